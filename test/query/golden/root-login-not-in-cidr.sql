-- ===== duckdb =====
SELECT strftime("eventTime", '%Y-%m-%dT%H:%M:%SZ') AS "eventTime",
       "sourceIPAddress" AS "sourceIPAddress",
       "userAgent" AS "userAgent",
       ("additionalEventData"->>'$.MFAUsed') AS "mfa",
       "eventID" AS "eventID"
FROM events
WHERE "eventTime" >= $1
  AND "eventTime" < $2
  AND "eventName" = $3
  AND "userIdentity"."type" = $4
  AND (COALESCE(CASE WHEN regexp_full_match("sourceIPAddress", '((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])[.]){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])') THEN array_to_string(list_transform(string_split("sourceIPAddress", '.'), lambda p: lpad(p, 3, '0')), '.') END NOT BETWEEN $5 AND $6 AND CASE WHEN regexp_full_match("sourceIPAddress", '((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])[.]){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])') THEN array_to_string(list_transform(string_split("sourceIPAddress", '.'), lambda p: lpad(p, 3, '0')), '.') END NOT BETWEEN $7 AND $8, FALSE) OR COALESCE(regexp_full_match("sourceIPAddress", '([0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}|([0-9A-Fa-f]{1,4}:){1,7}:|([0-9A-Fa-f]{1,4}:){1,6}:[0-9A-Fa-f]{1,4}|([0-9A-Fa-f]{1,4}:){1,5}(:[0-9A-Fa-f]{1,4}){1,2}|([0-9A-Fa-f]{1,4}:){1,4}(:[0-9A-Fa-f]{1,4}){1,3}|([0-9A-Fa-f]{1,4}:){1,3}(:[0-9A-Fa-f]{1,4}){1,4}|([0-9A-Fa-f]{1,4}:){1,2}(:[0-9A-Fa-f]{1,4}){1,5}|[0-9A-Fa-f]{1,4}:(:[0-9A-Fa-f]{1,4}){1,6}|:((:[0-9A-Fa-f]{1,4}){1,7}|:)'), FALSE))
ORDER BY "eventTime" DESC NULLS LAST, "eventID" ASC NULLS LAST
LIMIT 200

-- columns: eventTime, sourceIPAddress, userAgent, mfa, eventID
-- $1 = TIMESTAMP 2024-05-01T06:00:00.000Z  (window.start)
-- $2 = TIMESTAMP 2024-05-02T06:00:00.000Z  (window.end)
-- $3 = "ConsoleLogin"  (literal)
-- $4 = "Root"  (literal)
-- $5 = "010.000.000.000"  (param:trusted_cidrs)
-- $6 = "010.255.255.255"  (param:trusted_cidrs)
-- $7 = "192.168.000.000"  (param:trusted_cidrs)
-- $8 = "192.168.255.255"  (param:trusted_cidrs)

-- ===== athena =====
SELECT "eventtime" AS "eventTime",
       "sourceipaddress" AS "sourceIPAddress",
       "useragent" AS "userAgent",
       COALESCE(json_extract_scalar("additionaleventdata", '$.MFAUsed'), NULLIF(json_format(json_extract("additionaleventdata", '$.MFAUsed')), 'null')) AS "mfa",
       "eventid" AS "eventID"
FROM "security"."cloudtrail_logs"
WHERE "timestamp" BETWEEN ? AND ?
  AND "eventtime" >= ?
  AND "eventtime" < ?
  AND "eventname" = ?
  AND "useridentity"."type" = ?
  AND (COALESCE(CASE WHEN regexp_extract("sourceipaddress", '^(((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])[.]){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9]))$') = "sourceipaddress" THEN array_join(transform(split("sourceipaddress", '.'), p -> lpad(p, 3, '0')), '.') END NOT BETWEEN ? AND ? AND CASE WHEN regexp_extract("sourceipaddress", '^(((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])[.]){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9]))$') = "sourceipaddress" THEN array_join(transform(split("sourceipaddress", '.'), p -> lpad(p, 3, '0')), '.') END NOT BETWEEN ? AND ?, FALSE) OR COALESCE(regexp_extract("sourceipaddress", '^(([0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}|([0-9A-Fa-f]{1,4}:){1,7}:|([0-9A-Fa-f]{1,4}:){1,6}:[0-9A-Fa-f]{1,4}|([0-9A-Fa-f]{1,4}:){1,5}(:[0-9A-Fa-f]{1,4}){1,2}|([0-9A-Fa-f]{1,4}:){1,4}(:[0-9A-Fa-f]{1,4}){1,3}|([0-9A-Fa-f]{1,4}:){1,3}(:[0-9A-Fa-f]{1,4}){1,4}|([0-9A-Fa-f]{1,4}:){1,2}(:[0-9A-Fa-f]{1,4}){1,5}|[0-9A-Fa-f]{1,4}:(:[0-9A-Fa-f]{1,4}){1,6}|:((:[0-9A-Fa-f]{1,4}){1,7}|:))$') = "sourceipaddress", FALSE))
ORDER BY "eventTime" DESC NULLS LAST, "eventID" ASC NULLS LAST
LIMIT 200

-- columns: eventTime, sourceIPAddress, userAgent, mfa, eventID
-- ? #1 = '2024/05/01'  (window.start)
-- ? #2 = '2024/05/02'  (window.end)
-- ? #3 = '2024-05-01T06:00:00Z'  (window.start)
-- ? #4 = '2024-05-02T06:00:00Z'  (window.end)
-- ? #5 = 'ConsoleLogin'  (literal)
-- ? #6 = 'Root'  (literal)
-- ? #7 = '010.000.000.000'  (param:trusted_cidrs)
-- ? #8 = '010.255.255.255'  (param:trusted_cidrs)
-- ? #9 = '192.168.000.000'  (param:trusted_cidrs)
-- ? #10 = '192.168.255.255'  (param:trusted_cidrs)

-- ===== lake =====
SELECT date_format(eventTime, '%Y-%m-%dT%H:%i:%sZ') AS "eventTime",
       sourceIPAddress AS "sourceIPAddress",
       userAgent AS "userAgent",
       element_at(additionalEventData, 'MFAUsed') AS "mfa",
       eventID AS "eventID"
FROM EXAMPLE-f852-4e8f-8bd1-bcf6cEXAMPLE
WHERE eventTime >= '2024-05-01 06:00:00'
  AND eventTime < '2024-05-02 06:00:00'
  AND eventName = 'ConsoleLogin'
  AND userIdentity.type = 'Root'
  AND (COALESCE(CASE WHEN regexp_extract(sourceIPAddress, '^(((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])[.]){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9]))$') = sourceIPAddress THEN array_join(transform(split(sourceIPAddress, '.'), p -> lpad(p, 3, '0')), '.') END NOT BETWEEN '010.000.000.000' AND '010.255.255.255' AND CASE WHEN regexp_extract(sourceIPAddress, '^(((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])[.]){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9]))$') = sourceIPAddress THEN array_join(transform(split(sourceIPAddress, '.'), p -> lpad(p, 3, '0')), '.') END NOT BETWEEN '192.168.000.000' AND '192.168.255.255', FALSE) OR COALESCE(regexp_extract(sourceIPAddress, '^(([0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}|([0-9A-Fa-f]{1,4}:){1,7}:|([0-9A-Fa-f]{1,4}:){1,6}:[0-9A-Fa-f]{1,4}|([0-9A-Fa-f]{1,4}:){1,5}(:[0-9A-Fa-f]{1,4}){1,2}|([0-9A-Fa-f]{1,4}:){1,4}(:[0-9A-Fa-f]{1,4}){1,3}|([0-9A-Fa-f]{1,4}:){1,3}(:[0-9A-Fa-f]{1,4}){1,4}|([0-9A-Fa-f]{1,4}:){1,2}(:[0-9A-Fa-f]{1,4}){1,5}|[0-9A-Fa-f]{1,4}:(:[0-9A-Fa-f]{1,4}){1,6}|:((:[0-9A-Fa-f]{1,4}){1,7}|:))$') = sourceIPAddress, FALSE))
ORDER BY "eventTime" DESC NULLS LAST, "eventID" ASC NULLS LAST
LIMIT 200

-- columns: eventTime, sourceIPAddress, userAgent, mfa, eventID
-- inlined '2024-05-01 06:00:00'  (window.start)
-- inlined '2024-05-02 06:00:00'  (window.end)
-- inlined 'ConsoleLogin'  (literal)
-- inlined 'Root'  (literal)
-- inlined '010.000.000.000'  (param:trusted_cidrs)
-- inlined '010.255.255.255'  (param:trusted_cidrs)
-- inlined '192.168.000.000'  (param:trusted_cidrs)
-- inlined '192.168.255.255'  (param:trusted_cidrs)

-- ===== lookup =====
LookupEvents LookupAttributes=[{AttributeKey=EventName, AttributeValue=ConsoleLogin}] StartTime=2024-05-01T06:00:00Z EndTime=2024-05-02T06:00:00Z; then filter: userIdentity.type = "Root" and sourceIPAddress not in cidr ["10.0.0.0/8", "192.168.0.0/16"]; then return: eventTime, sourceIPAddress, userAgent, additionalEventData.MFAUsed as mfa, eventID; order by eventTime desc; limit 200

-- columns: eventTime, sourceIPAddress, userAgent, mfa, eventID
-- attribute: EventName=ConsoleLogin
-- reason: eventName = "ConsoleLogin" is the most selective lookup attribute this query pins (EventId > AccessKeyId > Username > ResourceName > EventName > EventSource > ResourceType > ReadOnly)
