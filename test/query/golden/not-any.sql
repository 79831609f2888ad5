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
  AND NOT COALESCE("eventSource" = $3 OR "userIdentity"."type" = $4, FALSE)
  AND CAST("readOnly" AS VARCHAR) = $5
  AND NOT COALESCE(starts_with("userAgent", $6), FALSE)

-- columns: eventTime, eventName, eventSource, principal, sourceIPAddress, errorCode, eventID
-- $1 = TIMESTAMP 2024-05-01T06:00:00.000Z  (window.start)
-- $2 = TIMESTAMP 2024-05-02T06:00:00.000Z  (window.end)
-- $3 = "signin.amazonaws.com"  (literal)
-- $4 = "AWSService"  (literal)
-- $5 = "true"  (literal)
-- $6 = "AWS"  (literal)

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
  AND NOT COALESCE("eventsource" = ? OR "useridentity"."type" = ?, FALSE)
  AND CAST("readonly" AS VARCHAR) = ?
  AND NOT COALESCE(starts_with("useragent", ?), FALSE)

-- columns: eventTime, eventName, eventSource, principal, sourceIPAddress, errorCode, eventID
-- ? #1 = '2024/05/01'  (window.start)
-- ? #2 = '2024/05/02'  (window.end)
-- ? #3 = '2024-05-01T06:00:00Z'  (window.start)
-- ? #4 = '2024-05-02T06:00:00Z'  (window.end)
-- ? #5 = 'signin.amazonaws.com'  (literal)
-- ? #6 = 'AWSService'  (literal)
-- ? #7 = 'true'  (literal)
-- ? #8 = 'AWS'  (literal)

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
  AND NOT COALESCE(eventSource = 'signin.amazonaws.com' OR userIdentity.type = 'AWSService', FALSE)
  AND CAST(readOnly AS VARCHAR) = 'true'
  AND NOT COALESCE(starts_with(userAgent, 'AWS'), FALSE)

-- columns: eventTime, eventName, eventSource, principal, sourceIPAddress, errorCode, eventID
-- inlined '2024-05-01 06:00:00'  (window.start)
-- inlined '2024-05-02 06:00:00'  (window.end)
-- inlined 'signin.amazonaws.com'  (literal)
-- inlined 'AWSService'  (literal)
-- inlined 'true'  (literal)
-- inlined 'AWS'  (literal)

-- ===== lookup =====
LookupEvents LookupAttributes=[{AttributeKey=ReadOnly, AttributeValue=true}] StartTime=2024-05-01T06:00:00Z EndTime=2024-05-02T06:00:00Z; then filter: not (eventSource = "signin.amazonaws.com" or userIdentity.type = "AWSService") and not (userAgent starts with "AWS"); then return: eventTime, eventName, eventSource, userIdentity.arn as principal, sourceIPAddress, errorCode, eventID

-- columns: eventTime, eventName, eventSource, principal, sourceIPAddress, errorCode, eventID
-- attribute: ReadOnly=true
-- reason: readOnly = "true" is the most selective lookup attribute this query pins (EventId > AccessKeyId > Username > ResourceName > EventName > EventSource > ResourceType > ReadOnly)
