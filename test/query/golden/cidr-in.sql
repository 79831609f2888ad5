-- ===== duckdb =====
SELECT "sourceIPAddress" AS "sourceIPAddress",
       "eventID" AS "eventID"
FROM events
WHERE "eventTime" >= $1
  AND "eventTime" < $2
  AND (COALESCE(CASE WHEN regexp_full_match("sourceIPAddress", '((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])[.]){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])') THEN array_to_string(list_transform(string_split("sourceIPAddress", '.'), lambda p: lpad(p, 3, '0')), '.') END BETWEEN $3 AND $4, FALSE) OR COALESCE(CASE WHEN regexp_full_match("sourceIPAddress", '([0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}|([0-9A-Fa-f]{1,4}:){1,7}:|([0-9A-Fa-f]{1,4}:){1,6}:[0-9A-Fa-f]{1,4}|([0-9A-Fa-f]{1,4}:){1,5}(:[0-9A-Fa-f]{1,4}){1,2}|([0-9A-Fa-f]{1,4}:){1,4}(:[0-9A-Fa-f]{1,4}){1,3}|([0-9A-Fa-f]{1,4}:){1,3}(:[0-9A-Fa-f]{1,4}){1,4}|([0-9A-Fa-f]{1,4}:){1,2}(:[0-9A-Fa-f]{1,4}){1,5}|[0-9A-Fa-f]{1,4}:(:[0-9A-Fa-f]{1,4}){1,6}|:((:[0-9A-Fa-f]{1,4}){1,7}|:)') THEN array_to_string(list_transform(list_filter(string_split(replace(lower("sourceIPAddress"), '::', ':' || substr('0:0:0:0:0:0:0:0', 1, greatest(2 * (8 - (length("sourceIPAddress") - length(replace("sourceIPAddress", ':', ''))) + CASE WHEN substr("sourceIPAddress", 1, 1) = ':' THEN 1 ELSE 0 END + CASE WHEN substr("sourceIPAddress", length("sourceIPAddress"), 1) = ':' THEN 1 ELSE 0 END) - 1, 0)) || ':'), ':'), lambda p: p <> ''), lambda p: lpad(p, 4, '0')), '') END BETWEEN $5 AND $6, FALSE))

-- columns: sourceIPAddress, eventID
-- $1 = TIMESTAMP 2024-05-01T06:00:00.000Z  (window.start)
-- $2 = TIMESTAMP 2024-05-02T06:00:00.000Z  (window.end)
-- $3 = "010.000.000.000"  (literal)
-- $4 = "010.255.255.255"  (literal)
-- $5 = "20010db8000000000000000000000000"  (literal)
-- $6 = "20010db8ffffffffffffffffffffffff"  (literal)

-- ===== athena =====
SELECT "sourceipaddress" AS "sourceIPAddress",
       "eventid" AS "eventID"
FROM "security"."cloudtrail_logs"
WHERE "timestamp" BETWEEN ? AND ?
  AND "eventtime" >= ?
  AND "eventtime" < ?
  AND (COALESCE(CASE WHEN regexp_extract("sourceipaddress", '^(((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])[.]){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9]))$') = "sourceipaddress" THEN array_join(transform(split("sourceipaddress", '.'), p -> lpad(p, 3, '0')), '.') END BETWEEN ? AND ?, FALSE) OR COALESCE(CASE WHEN regexp_extract("sourceipaddress", '^(([0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}|([0-9A-Fa-f]{1,4}:){1,7}:|([0-9A-Fa-f]{1,4}:){1,6}:[0-9A-Fa-f]{1,4}|([0-9A-Fa-f]{1,4}:){1,5}(:[0-9A-Fa-f]{1,4}){1,2}|([0-9A-Fa-f]{1,4}:){1,4}(:[0-9A-Fa-f]{1,4}){1,3}|([0-9A-Fa-f]{1,4}:){1,3}(:[0-9A-Fa-f]{1,4}){1,4}|([0-9A-Fa-f]{1,4}:){1,2}(:[0-9A-Fa-f]{1,4}){1,5}|[0-9A-Fa-f]{1,4}:(:[0-9A-Fa-f]{1,4}){1,6}|:((:[0-9A-Fa-f]{1,4}){1,7}|:))$') = "sourceipaddress" THEN array_join(transform(filter(split(replace(lower("sourceipaddress"), '::', ':' || substr('0:0:0:0:0:0:0:0', 1, greatest(2 * (8 - (length("sourceipaddress") - length(replace("sourceipaddress", ':', ''))) + CASE WHEN substr("sourceipaddress", 1, 1) = ':' THEN 1 ELSE 0 END + CASE WHEN substr("sourceipaddress", length("sourceipaddress"), 1) = ':' THEN 1 ELSE 0 END) - 1, 0)) || ':'), ':'), p -> p <> ''), p -> lpad(p, 4, '0')), '') END BETWEEN ? AND ?, FALSE))

-- columns: sourceIPAddress, eventID
-- ? #1 = '2024/05/01'  (window.start)
-- ? #2 = '2024/05/02'  (window.end)
-- ? #3 = '2024-05-01T06:00:00Z'  (window.start)
-- ? #4 = '2024-05-02T06:00:00Z'  (window.end)
-- ? #5 = '010.000.000.000'  (literal)
-- ? #6 = '010.255.255.255'  (literal)
-- ? #7 = '20010db8000000000000000000000000'  (literal)
-- ? #8 = '20010db8ffffffffffffffffffffffff'  (literal)

-- ===== lake =====
SELECT sourceIPAddress AS "sourceIPAddress",
       eventID AS "eventID"
FROM EXAMPLE-f852-4e8f-8bd1-bcf6cEXAMPLE
WHERE eventTime >= '2024-05-01 06:00:00'
  AND eventTime < '2024-05-02 06:00:00'
  AND (COALESCE(CASE WHEN regexp_extract(sourceIPAddress, '^(((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])[.]){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9]))$') = sourceIPAddress THEN array_join(transform(split(sourceIPAddress, '.'), p -> lpad(p, 3, '0')), '.') END BETWEEN '010.000.000.000' AND '010.255.255.255', FALSE) OR COALESCE(CASE WHEN regexp_extract(sourceIPAddress, '^(([0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}|([0-9A-Fa-f]{1,4}:){1,7}:|([0-9A-Fa-f]{1,4}:){1,6}:[0-9A-Fa-f]{1,4}|([0-9A-Fa-f]{1,4}:){1,5}(:[0-9A-Fa-f]{1,4}){1,2}|([0-9A-Fa-f]{1,4}:){1,4}(:[0-9A-Fa-f]{1,4}){1,3}|([0-9A-Fa-f]{1,4}:){1,3}(:[0-9A-Fa-f]{1,4}){1,4}|([0-9A-Fa-f]{1,4}:){1,2}(:[0-9A-Fa-f]{1,4}){1,5}|[0-9A-Fa-f]{1,4}:(:[0-9A-Fa-f]{1,4}){1,6}|:((:[0-9A-Fa-f]{1,4}){1,7}|:))$') = sourceIPAddress THEN array_join(transform(filter(split(replace(lower(sourceIPAddress), '::', ':' || substr('0:0:0:0:0:0:0:0', 1, greatest(2 * (8 - (length(sourceIPAddress) - length(replace(sourceIPAddress, ':', ''))) + CASE WHEN substr(sourceIPAddress, 1, 1) = ':' THEN 1 ELSE 0 END + CASE WHEN substr(sourceIPAddress, length(sourceIPAddress), 1) = ':' THEN 1 ELSE 0 END) - 1, 0)) || ':'), ':'), p -> p <> ''), p -> lpad(p, 4, '0')), '') END BETWEEN '20010db8000000000000000000000000' AND '20010db8ffffffffffffffffffffffff', FALSE))

-- columns: sourceIPAddress, eventID
-- inlined '2024-05-01 06:00:00'  (window.start)
-- inlined '2024-05-02 06:00:00'  (window.end)
-- inlined '010.000.000.000'  (literal)
-- inlined '010.255.255.255'  (literal)
-- inlined '20010db8000000000000000000000000'  (literal)
-- inlined '20010db8ffffffffffffffffffffffff'  (literal)

-- ===== lookup =====
LookupEvents LookupAttributes=[] StartTime=2024-05-01T06:00:00Z EndTime=2024-05-02T06:00:00Z; then filter: sourceIPAddress in cidr ["10.0.0.0/8", "2001:db8::/32"]; then return: sourceIPAddress, eventID

-- columns: sourceIPAddress, eventID
-- attribute: none
-- reason: no top-level condition pins eventID, userIdentity.accessKeyId, userIdentity.userName, eventName, eventSource, readOnly to one value, so LookupEvents reads every management event in the window and the filter runs here
