-- ===== duckdb =====
SELECT "eventName", count(*) AS n FROM events WHERE "eventTime" >= $1 AND "eventTime" < $2 AND list_contains($3, "eventName") AND 'a::b' <> $4 GROUP BY 1 ORDER BY 1

-- columns: (named by the statement)
-- $1 = TIMESTAMP 2024-05-01T06:00:00.000Z  (window.start)
-- $2 = TIMESTAMP 2024-05-02T06:00:00.000Z  (window.end)
-- $3 = ["ConsoleLogin","GetObject"]  (literal)
-- $4 = "it's"  (param:label)

-- ===== athena =====
SELECT eventname, count(*) AS n FROM security.cloudtrail_logs WHERE "timestamp" >= '2024/05/01' AND eventtime >= ? AND eventtime < ? AND eventname IN (?, ?) AND ':label' <> ? GROUP BY 1

-- columns: (named by the statement)
-- ? #1 = '2024-05-01T06:00:00Z'  (window.start)
-- ? #2 = '2024-05-02T06:00:00Z'  (window.end)
-- ? #3 = 'ConsoleLogin'  (literal)
-- ? #4 = 'GetObject'  (literal)
-- ? #5 = 'it''s'  (param:label)

-- ===== lake =====
SELECT eventName, count(*) AS n FROM EXAMPLE-f852-4e8f-8bd1-bcf6cEXAMPLE WHERE eventTime >= '2024-05-01 06:00:00' AND eventTime < '2024-05-02 06:00:00' AND eventName IN ('ConsoleLogin', 'GetObject') -- :not_a_placeholder
 AND 'it''s' <> 'x' GROUP BY 1

-- columns: (named by the statement)
-- inlined '2024-05-01 06:00:00'  (window.start)
-- inlined '2024-05-02 06:00:00'  (window.end)
-- inlined 'ConsoleLogin'  (literal)
-- inlined 'GetObject'  (literal)
-- inlined 'it''s'  (param:label)

-- ===== lookup =====
-- not compiled: raw SQL has no LookupEvents form: run this step on duckdb, athena or lake, or write it as a portable query
