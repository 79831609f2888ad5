-- ===== duckdb =====
SELECT "eventName" AS "eventName",
       "eventID" AS "eventID"
FROM events
WHERE "eventTime" >= $1
  AND "eventTime" < $2
  AND list_contains($3, "userIdentity"."accessKeyId")

-- columns: eventName, eventID
-- $1 = TIMESTAMP 2024-05-01T06:00:00.000Z  (window.start)
-- $2 = TIMESTAMP 2024-05-02T06:00:00.000Z  (window.end)
-- $3 = ["<values of steps.keys.accessKeyId>"]  (rows:keys.accessKeyId)

-- ===== athena =====
SELECT "eventname" AS "eventName",
       "eventid" AS "eventID"
FROM "security"."cloudtrail_logs"
WHERE "timestamp" BETWEEN ? AND ?
  AND "eventtime" >= ?
  AND "eventtime" < ?
  AND "useridentity"."accesskeyid" IN (?)

-- columns: eventName, eventID
-- ? #1 = '2024/05/01'  (window.start)
-- ? #2 = '2024/05/02'  (window.end)
-- ? #3 = '2024-05-01T06:00:00Z'  (window.start)
-- ? #4 = '2024-05-02T06:00:00Z'  (window.end)
-- ? #5 = '<values of steps.keys.accessKeyId>'  (rows:keys.accessKeyId)

-- ===== lake =====
SELECT eventName AS "eventName",
       eventID AS "eventID"
FROM EXAMPLE-f852-4e8f-8bd1-bcf6cEXAMPLE
WHERE eventTime >= '2024-05-01 06:00:00'
  AND eventTime < '2024-05-02 06:00:00'
  AND userIdentity.accessKeyId IN ('<values of steps.keys.accessKeyId>')

-- columns: eventName, eventID
-- inlined '2024-05-01 06:00:00'  (window.start)
-- inlined '2024-05-02 06:00:00'  (window.end)
-- inlined '<values of steps.keys.accessKeyId>'  (rows:keys.accessKeyId)

-- ===== lookup =====
LookupEvents LookupAttributes=[] StartTime=2024-05-01T06:00:00Z EndTime=2024-05-02T06:00:00Z; then filter: userIdentity.accessKeyId in ["<values of steps.keys.accessKeyId>"]; then return: eventName, eventID

-- columns: eventName, eventID
-- attribute: none
-- reason: no top-level condition pins eventID, userIdentity.accessKeyId, userIdentity.userName, eventName, eventSource, readOnly to one value, so LookupEvents reads every management event in the window and the filter runs here
