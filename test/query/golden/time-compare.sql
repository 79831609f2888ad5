-- ===== duckdb =====
SELECT strftime("eventTime", '%Y-%m-%dT%H:%M:%SZ') AS "eventTime",
       "eventName" AS "eventName",
       "eventID" AS "eventID"
FROM events
WHERE "eventTime" >= $1
  AND "eventTime" < $2
  AND "eventTime" >= $3
  AND "eventTime" < $4
ORDER BY "eventTime" ASC NULLS LAST, "eventID" ASC NULLS LAST

-- columns: eventTime, eventName, eventID
-- $1 = TIMESTAMP 2024-05-01T06:00:00.000Z  (window.start)
-- $2 = TIMESTAMP 2024-05-02T06:00:00.000Z  (window.end)
-- $3 = TIMESTAMP 2024-05-01T10:00:00.000Z  (literal)
-- $4 = TIMESTAMP 2024-05-01T13:00:01.000Z  (param:until)

-- ===== athena =====
SELECT "eventtime" AS "eventTime",
       "eventname" AS "eventName",
       "eventid" AS "eventID"
FROM "security"."cloudtrail_logs"
WHERE "timestamp" BETWEEN ? AND ?
  AND "eventtime" >= ?
  AND "eventtime" < ?
  AND "eventtime" >= ?
  AND "eventtime" < ?
ORDER BY "eventTime" ASC NULLS LAST, "eventID" ASC NULLS LAST

-- columns: eventTime, eventName, eventID
-- ? #1 = '2024/05/01'  (window.start)
-- ? #2 = '2024/05/02'  (window.end)
-- ? #3 = '2024-05-01T06:00:00Z'  (window.start)
-- ? #4 = '2024-05-02T06:00:00Z'  (window.end)
-- ? #5 = '2024-05-01T10:00:00Z'  (literal)
-- ? #6 = '2024-05-01T13:00:01Z'  (param:until)

-- ===== lake =====
SELECT date_format(eventTime, '%Y-%m-%dT%H:%i:%sZ') AS "eventTime",
       eventName AS "eventName",
       eventID AS "eventID"
FROM EXAMPLE-f852-4e8f-8bd1-bcf6cEXAMPLE
WHERE eventTime >= '2024-05-01 06:00:00'
  AND eventTime < '2024-05-02 06:00:00'
  AND eventTime >= '2024-05-01 10:00:00'
  AND eventTime < '2024-05-01 13:00:01'
ORDER BY "eventTime" ASC NULLS LAST, "eventID" ASC NULLS LAST

-- columns: eventTime, eventName, eventID
-- inlined '2024-05-01 06:00:00'  (window.start)
-- inlined '2024-05-02 06:00:00'  (window.end)
-- inlined '2024-05-01 10:00:00'  (literal)
-- inlined '2024-05-01 13:00:01'  (param:until)

-- ===== lookup =====
LookupEvents LookupAttributes=[] StartTime=2024-05-01T06:00:00Z EndTime=2024-05-02T06:00:00Z; then filter: eventTime >= "2024-05-01T10:00:00.000Z" and eventTime < "2024-05-01T13:00:00.250Z"; then return: eventTime, eventName, eventID; order by eventTime asc

-- columns: eventTime, eventName, eventID
-- attribute: none
-- reason: no top-level condition pins eventID, userIdentity.accessKeyId, userIdentity.userName, eventName, eventSource, readOnly to one value, so LookupEvents reads every management event in the window and the filter runs here
