-- ===== duckdb =====
SELECT strftime("eventTime", '%Y-%m-%dT%H:%M:%SZ') AS "eventTime",
       "eventID" AS "eventID"
FROM events
WHERE "eventTime" >= $1
  AND "eventTime" < $2
  AND "eventName" = $3

-- columns: eventTime, eventID
-- $1 = TIMESTAMP 2023-11-20T12:00:00.000Z  (window.start)
-- $2 = TIMESTAMP 2024-05-02T06:00:00.000Z  (window.end)
-- $3 = "DeleteTrail"  (literal)

-- ===== athena =====
SELECT "eventtime" AS "eventTime",
       "eventid" AS "eventID"
FROM "AwsDataCatalog"."security"."cloudtrail"
WHERE "region" IN (?, ?)
  AND (("year" = ? AND "month" = ? AND "day" BETWEEN ? AND ?) OR ("year" = ? AND "month" = ?) OR ("year" = ? AND "month" BETWEEN ? AND ?) OR ("year" = ? AND "month" = ? AND "day" BETWEEN ? AND ?))
  AND "eventtime" >= ?
  AND "eventtime" < ?
  AND "eventname" = ?

-- columns: eventTime, eventID
-- ? #1 = 'us-east-1'  (athena.regions)
-- ? #2 = 'eu-west-1'  (athena.regions)
-- ? #3 = '2023'  (window.partition)
-- ? #4 = '11'  (window.partition)
-- ? #5 = '20'  (window.partition)
-- ? #6 = '30'  (window.partition)
-- ? #7 = '2023'  (window.partition)
-- ? #8 = '12'  (window.partition)
-- ? #9 = '2024'  (window.partition)
-- ? #10 = '01'  (window.partition)
-- ? #11 = '04'  (window.partition)
-- ? #12 = '2024'  (window.partition)
-- ? #13 = '05'  (window.partition)
-- ? #14 = '01'  (window.partition)
-- ? #15 = '02'  (window.partition)
-- ? #16 = '2023-11-20T12:00:00Z'  (window.start)
-- ? #17 = '2024-05-02T06:00:00Z'  (window.end)
-- ? #18 = 'DeleteTrail'  (literal)

-- ===== lake =====
SELECT date_format(eventTime, '%Y-%m-%dT%H:%i:%sZ') AS "eventTime",
       eventID AS "eventID"
FROM EXAMPLE-f852-4e8f-8bd1-bcf6cEXAMPLE
WHERE eventTime >= '2023-11-20 12:00:00'
  AND eventTime < '2024-05-02 06:00:00'
  AND eventName = 'DeleteTrail'

-- columns: eventTime, eventID
-- inlined '2023-11-20 12:00:00'  (window.start)
-- inlined '2024-05-02 06:00:00'  (window.end)
-- inlined 'DeleteTrail'  (literal)

-- ===== lookup =====
-- not compiled: LookupEvents only sees the last 90 days, and this window starts at 2023-11-20T12:00:00Z: shorten the window or use athena or lake
