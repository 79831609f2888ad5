-- ===== duckdb =====
SELECT "eventName" AS "eventName",
       "userAgent" AS "userAgent",
       "eventID" AS "eventID"
FROM events
WHERE "eventTime" >= $1
  AND "eventTime" < $2
  AND contains("userAgent", $3)
  AND starts_with("eventSource", $4)

-- columns: eventName, userAgent, eventID
-- $1 = TIMESTAMP 2024-05-01T06:00:00.000Z  (window.start)
-- $2 = TIMESTAMP 2024-05-02T06:00:00.000Z  (window.end)
-- $3 = "aws-cli"  (literal)
-- $4 = "i"  (literal)

-- ===== athena =====
SELECT "eventname" AS "eventName",
       "useragent" AS "userAgent",
       "eventid" AS "eventID"
FROM "security"."cloudtrail_logs"
WHERE "timestamp" BETWEEN ? AND ?
  AND "eventtime" >= ?
  AND "eventtime" < ?
  AND strpos("useragent", ?) > 0
  AND starts_with("eventsource", ?)

-- columns: eventName, userAgent, eventID
-- ? #1 = '2024/05/01'  (window.start)
-- ? #2 = '2024/05/02'  (window.end)
-- ? #3 = '2024-05-01T06:00:00Z'  (window.start)
-- ? #4 = '2024-05-02T06:00:00Z'  (window.end)
-- ? #5 = 'aws-cli'  (literal)
-- ? #6 = 'i'  (literal)

-- ===== lake =====
SELECT eventName AS "eventName",
       userAgent AS "userAgent",
       eventID AS "eventID"
FROM EXAMPLE-f852-4e8f-8bd1-bcf6cEXAMPLE
WHERE eventTime >= '2024-05-01 06:00:00'
  AND eventTime < '2024-05-02 06:00:00'
  AND strpos(userAgent, 'aws-cli') > 0
  AND starts_with(eventSource, 'i')

-- columns: eventName, userAgent, eventID
-- inlined '2024-05-01 06:00:00'  (window.start)
-- inlined '2024-05-02 06:00:00'  (window.end)
-- inlined 'aws-cli'  (literal)
-- inlined 'i'  (literal)

-- ===== lookup =====
LookupEvents LookupAttributes=[] StartTime=2024-05-01T06:00:00Z EndTime=2024-05-02T06:00:00Z; then filter: userAgent contains "aws-cli" and eventSource starts with "i"; then return: eventName, userAgent, eventID

-- columns: eventName, userAgent, eventID
-- attribute: none
-- reason: no top-level condition pins eventID, userIdentity.accessKeyId, userIdentity.userName, eventName, eventSource, readOnly to one value, so LookupEvents reads every management event in the window and the filter runs here
