-- ===== duckdb =====
SELECT "eventName" AS "eventName",
       "userIdentity"."accessKeyId" AS "key",
       "eventID" AS "eventID"
FROM events
WHERE "eventTime" >= $1
  AND "eventTime" < $2
  AND list_contains($3, "userIdentity"."accessKeyId")

-- columns: eventName, key, eventID
-- $1 = TIMESTAMP 2024-05-01T06:00:00.000Z  (window.start)
-- $2 = TIMESTAMP 2024-05-02T06:00:00.000Z  (window.end)
-- $3 = ["AKIAALICE0000000001"]  (rows:keys.accessKeyId)

-- ===== athena =====
SELECT "eventname" AS "eventName",
       "useridentity"."accesskeyid" AS "key",
       "eventid" AS "eventID"
FROM "security"."cloudtrail_logs"
WHERE "timestamp" BETWEEN ? AND ?
  AND "eventtime" >= ?
  AND "eventtime" < ?
  AND "useridentity"."accesskeyid" IN (?)

-- columns: eventName, key, eventID
-- ? #1 = '2024/05/01'  (window.start)
-- ? #2 = '2024/05/02'  (window.end)
-- ? #3 = '2024-05-01T06:00:00Z'  (window.start)
-- ? #4 = '2024-05-02T06:00:00Z'  (window.end)
-- ? #5 = 'AKIAALICE0000000001'  (rows:keys.accessKeyId)

-- ===== lake =====
SELECT eventName AS "eventName",
       userIdentity.accessKeyId AS "key",
       eventID AS "eventID"
FROM EXAMPLE-f852-4e8f-8bd1-bcf6cEXAMPLE
WHERE eventTime >= '2024-05-01 06:00:00'
  AND eventTime < '2024-05-02 06:00:00'
  AND userIdentity.accessKeyId IN ('AKIAALICE0000000001')

-- columns: eventName, key, eventID
-- inlined '2024-05-01 06:00:00'  (window.start)
-- inlined '2024-05-02 06:00:00'  (window.end)
-- inlined 'AKIAALICE0000000001'  (rows:keys.accessKeyId)

-- ===== lookup =====
LookupEvents LookupAttributes=[{AttributeKey=AccessKeyId, AttributeValue=AKIAALICE0000000001}] StartTime=2024-05-01T06:00:00Z EndTime=2024-05-02T06:00:00Z; then filter: every event; then return: eventName, userIdentity.accessKeyId as key, eventID

-- columns: eventName, key, eventID
-- attribute: AccessKeyId=AKIAALICE0000000001
-- reason: userIdentity.accessKeyId = "AKIAALICE0000000001" is the most selective lookup attribute this query pins (EventId > AccessKeyId > Username > ResourceName > EventName > EventSource > ResourceType > ReadOnly)
