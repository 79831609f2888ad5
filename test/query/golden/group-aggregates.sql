-- ===== duckdb =====
SELECT "userIdentity"."arn" AS "principal",
       count(*) AS "calls",
       count(DISTINCT "eventName") AS "actions",
       count(DISTINCT "sourceIPAddress") AS "sources",
       strftime(min("eventTime"), '%Y-%m-%dT%H:%M:%SZ') AS "first_seen",
       strftime(max("eventTime"), '%Y-%m-%dT%H:%M:%SZ') AS "last_seen",
       max("errorCode") AS "last_error",
       min_by("eventID", {'t': "eventTime", 'id': "eventID"}, 50) FILTER (WHERE "eventID" IS NOT NULL) AS "eventIDs"
FROM events
WHERE "eventTime" >= $1
  AND "eventTime" < $2
  AND "userIdentity"."type" IS DISTINCT FROM $3
GROUP BY "userIdentity"."arn"
ORDER BY "calls" DESC NULLS LAST, "principal" ASC NULLS LAST
LIMIT 10

-- columns: principal, calls, actions, sources, first_seen, last_seen, last_error, eventIDs
-- $1 = TIMESTAMP 2024-05-01T06:00:00.000Z  (window.start)
-- $2 = TIMESTAMP 2024-05-02T06:00:00.000Z  (window.end)
-- $3 = "AWSService"  (literal)

-- ===== athena =====
SELECT "useridentity"."arn" AS "principal",
       count(*) AS "calls",
       count(DISTINCT "eventname") AS "actions",
       count(DISTINCT "sourceipaddress") AS "sources",
       min("eventtime") AS "first_seen",
       max("eventtime") AS "last_seen",
       max("errorcode") AS "last_error",
       slice(array_agg("eventid" ORDER BY "eventtime", "eventid") FILTER (WHERE "eventid" IS NOT NULL), 1, 50) AS "eventIDs"
FROM "security"."cloudtrail_logs"
WHERE "timestamp" BETWEEN ? AND ?
  AND "eventtime" >= ?
  AND "eventtime" < ?
  AND "useridentity"."type" IS DISTINCT FROM ?
GROUP BY "useridentity"."arn"
ORDER BY "calls" DESC NULLS LAST, "principal" ASC NULLS LAST
LIMIT 10

-- columns: principal, calls, actions, sources, first_seen, last_seen, last_error, eventIDs
-- ? #1 = '2024/05/01'  (window.start)
-- ? #2 = '2024/05/02'  (window.end)
-- ? #3 = '2024-05-01T06:00:00Z'  (window.start)
-- ? #4 = '2024-05-02T06:00:00Z'  (window.end)
-- ? #5 = 'AWSService'  (literal)

-- ===== lake =====
SELECT userIdentity.arn AS "principal",
       count(*) AS "calls",
       count(DISTINCT eventName) AS "actions",
       count(DISTINCT sourceIPAddress) AS "sources",
       date_format(min(eventTime), '%Y-%m-%dT%H:%i:%sZ') AS "first_seen",
       date_format(max(eventTime), '%Y-%m-%dT%H:%i:%sZ') AS "last_seen",
       max(errorCode) AS "last_error",
       slice(array_agg(eventID ORDER BY eventTime, eventID) FILTER (WHERE eventID IS NOT NULL), 1, 50) AS "eventIDs"
FROM EXAMPLE-f852-4e8f-8bd1-bcf6cEXAMPLE
WHERE eventTime >= '2024-05-01 06:00:00'
  AND eventTime < '2024-05-02 06:00:00'
  AND userIdentity.type IS DISTINCT FROM 'AWSService'
GROUP BY userIdentity.arn
ORDER BY "calls" DESC NULLS LAST, "principal" ASC NULLS LAST
LIMIT 10

-- columns: principal, calls, actions, sources, first_seen, last_seen, last_error, eventIDs
-- inlined '2024-05-01 06:00:00'  (window.start)
-- inlined '2024-05-02 06:00:00'  (window.end)
-- inlined 'AWSService'  (literal)

-- ===== lookup =====
LookupEvents LookupAttributes=[] StartTime=2024-05-01T06:00:00Z EndTime=2024-05-02T06:00:00Z; then filter: userIdentity.type != "AWSService"; then group by userIdentity.arn as principal: count(*) as calls, count_distinct(eventName) as actions, count_distinct(sourceIPAddress) as sources, min(eventTime) as first_seen, max(eventTime) as last_seen, max(errorCode) as last_error, eventIDs; order by calls desc; limit 10

-- columns: principal, calls, actions, sources, first_seen, last_seen, last_error, eventIDs
-- attribute: none
-- reason: no top-level condition pins eventID, userIdentity.accessKeyId, userIdentity.userName, eventName, eventSource, readOnly to one value, so LookupEvents reads every management event in the window and the filter runs here
