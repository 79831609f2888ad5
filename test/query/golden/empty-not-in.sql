-- ===== duckdb =====
SELECT strftime("eventTime", '%Y-%m-%dT%H:%M:%SZ') AS "eventTime",
       "eventName" AS "eventName",
       "eventSource" AS "eventSource",
       "userIdentity"."arn" AS "principal",
       "sourceIPAddress" AS "sourceIPAddress",
       "errorCode" AS "errorCode",
       "eventID" AS "eventID"
FROM events
WHERE "eventTime" >= $1
  AND "eventTime" < $2
  AND ("eventName" IS NULL OR NOT list_contains($3, "eventName"))

-- columns: eventTime, eventName, eventSource, principal, sourceIPAddress, errorCode, eventID
-- $1 = TIMESTAMP 2024-05-01T06:00:00.000Z  (window.start)
-- $2 = TIMESTAMP 2024-05-02T06:00:00.000Z  (window.end)
-- $3 = []  (literal)

-- ===== athena =====
SELECT "eventtime" AS "eventTime",
       "eventname" AS "eventName",
       "eventsource" AS "eventSource",
       "useridentity"."arn" AS "principal",
       "sourceipaddress" AS "sourceIPAddress",
       "errorcode" AS "errorCode",
       "eventid" AS "eventID"
FROM "security"."cloudtrail_logs"
WHERE "timestamp" BETWEEN ? AND ?
  AND "eventtime" >= ?
  AND "eventtime" < ?

-- columns: eventTime, eventName, eventSource, principal, sourceIPAddress, errorCode, eventID
-- ? #1 = '2024/05/01'  (window.start)
-- ? #2 = '2024/05/02'  (window.end)
-- ? #3 = '2024-05-01T06:00:00Z'  (window.start)
-- ? #4 = '2024-05-02T06:00:00Z'  (window.end)

-- ===== lake =====
SELECT date_format(eventTime, '%Y-%m-%dT%H:%i:%sZ') AS "eventTime",
       eventName AS "eventName",
       eventSource AS "eventSource",
       userIdentity.arn AS "principal",
       sourceIPAddress AS "sourceIPAddress",
       errorCode AS "errorCode",
       eventID AS "eventID"
FROM EXAMPLE-f852-4e8f-8bd1-bcf6cEXAMPLE
WHERE eventTime >= '2024-05-01 06:00:00'
  AND eventTime < '2024-05-02 06:00:00'

-- columns: eventTime, eventName, eventSource, principal, sourceIPAddress, errorCode, eventID
-- inlined '2024-05-01 06:00:00'  (window.start)
-- inlined '2024-05-02 06:00:00'  (window.end)

-- ===== lookup =====
LookupEvents LookupAttributes=[] StartTime=2024-05-01T06:00:00Z EndTime=2024-05-02T06:00:00Z; then filter: eventName not in []; then return: eventTime, eventName, eventSource, userIdentity.arn as principal, sourceIPAddress, errorCode, eventID

-- columns: eventTime, eventName, eventSource, principal, sourceIPAddress, errorCode, eventID
-- attribute: none
-- reason: no top-level condition pins eventID, userIdentity.accessKeyId, userIdentity.userName, eventName, eventSource, readOnly to one value, so LookupEvents reads every management event in the window and the filter runs here
