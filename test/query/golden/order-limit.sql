-- ===== duckdb =====
SELECT strftime("eventTime", '%Y-%m-%dT%H:%M:%SZ') AS "eventTime",
       "eventName" AS "eventName",
       "userIdentity"."userName" AS "user",
       "eventID" AS "eventID"
FROM events
WHERE "eventTime" >= $1
  AND "eventTime" < $2
ORDER BY "user" DESC NULLS LAST, "eventTime" ASC NULLS LAST, "eventID" ASC NULLS LAST
LIMIT 5

-- columns: eventTime, eventName, user, eventID
-- $1 = TIMESTAMP 2024-05-01T06:00:00.000Z  (window.start)
-- $2 = TIMESTAMP 2024-05-02T06:00:00.000Z  (window.end)

-- ===== athena =====
SELECT "eventtime" AS "eventTime",
       "eventname" AS "eventName",
       "useridentity"."username" AS "user",
       "eventid" AS "eventID"
FROM "security"."cloudtrail_logs"
WHERE "timestamp" BETWEEN ? AND ?
  AND "eventtime" >= ?
  AND "eventtime" < ?
ORDER BY "user" DESC NULLS LAST, "eventTime" ASC NULLS LAST, "eventID" ASC NULLS LAST
LIMIT 5

-- columns: eventTime, eventName, user, eventID
-- ? #1 = '2024/05/01'  (window.start)
-- ? #2 = '2024/05/02'  (window.end)
-- ? #3 = '2024-05-01T06:00:00Z'  (window.start)
-- ? #4 = '2024-05-02T06:00:00Z'  (window.end)

-- ===== lake =====
SELECT date_format(eventTime, '%Y-%m-%dT%H:%i:%sZ') AS "eventTime",
       eventName AS "eventName",
       userIdentity.userName AS "user",
       eventID AS "eventID"
FROM EXAMPLE-f852-4e8f-8bd1-bcf6cEXAMPLE
WHERE eventTime >= '2024-05-01 06:00:00'
  AND eventTime < '2024-05-02 06:00:00'
ORDER BY "user" DESC NULLS LAST, "eventTime" ASC NULLS LAST, "eventID" ASC NULLS LAST
LIMIT 5

-- columns: eventTime, eventName, user, eventID
-- inlined '2024-05-01 06:00:00'  (window.start)
-- inlined '2024-05-02 06:00:00'  (window.end)

-- ===== lookup =====
LookupEvents LookupAttributes=[] StartTime=2024-05-01T06:00:00Z EndTime=2024-05-02T06:00:00Z; then filter: every event; then return: eventTime, eventName, userIdentity.userName as user, eventID; order by user desc, eventTime asc; limit 5

-- columns: eventTime, eventName, user, eventID
-- attribute: none
-- reason: no top-level condition pins eventID, userIdentity.accessKeyId, userIdentity.userName, eventName, eventSource, readOnly to one value, so LookupEvents reads every management event in the window and the filter runs here
