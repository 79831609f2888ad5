-- ===== duckdb =====
SELECT "eventName" AS "eventName",
       "eventSource" AS "eventSource",
       "eventID" AS "eventID"
FROM events
WHERE "eventTime" >= $1
  AND "eventTime" < $2
  AND list_contains($3, "eventSource")

-- columns: eventName, eventSource, eventID
-- $1 = TIMESTAMP 2024-05-01T06:00:00.000Z  (window.start)
-- $2 = TIMESTAMP 2024-05-02T06:00:00.000Z  (window.end)
-- $3 = ["iam.amazonaws.com","sts.amazonaws.com"]  (param:sources)

-- ===== athena =====
SELECT "eventname" AS "eventName",
       "eventsource" AS "eventSource",
       "eventid" AS "eventID"
FROM "security"."cloudtrail_logs"
WHERE "timestamp" BETWEEN ? AND ?
  AND "eventtime" >= ?
  AND "eventtime" < ?
  AND "eventsource" IN (?, ?)

-- columns: eventName, eventSource, eventID
-- ? #1 = '2024/05/01'  (window.start)
-- ? #2 = '2024/05/02'  (window.end)
-- ? #3 = '2024-05-01T06:00:00Z'  (window.start)
-- ? #4 = '2024-05-02T06:00:00Z'  (window.end)
-- ? #5 = 'iam.amazonaws.com'  (param:sources)
-- ? #6 = 'sts.amazonaws.com'  (param:sources)

-- ===== lake =====
SELECT eventName AS "eventName",
       eventSource AS "eventSource",
       eventID AS "eventID"
FROM EXAMPLE-f852-4e8f-8bd1-bcf6cEXAMPLE
WHERE eventTime >= '2024-05-01 06:00:00'
  AND eventTime < '2024-05-02 06:00:00'
  AND eventSource IN ('iam.amazonaws.com', 'sts.amazonaws.com')

-- columns: eventName, eventSource, eventID
-- inlined '2024-05-01 06:00:00'  (window.start)
-- inlined '2024-05-02 06:00:00'  (window.end)
-- inlined 'iam.amazonaws.com'  (param:sources)
-- inlined 'sts.amazonaws.com'  (param:sources)

-- ===== lookup =====
LookupEvents LookupAttributes=[] StartTime=2024-05-01T06:00:00Z EndTime=2024-05-02T06:00:00Z; then filter: eventSource in ["iam.amazonaws.com", "sts.amazonaws.com"]; then return: eventName, eventSource, eventID

-- columns: eventName, eventSource, eventID
-- attribute: none
-- reason: no top-level condition pins eventID, userIdentity.accessKeyId, userIdentity.userName, eventName, eventSource, readOnly to one value, so LookupEvents reads every management event in the window and the filter runs here
