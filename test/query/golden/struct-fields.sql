-- ===== duckdb =====
SELECT "userIdentity"."sessionContext"."sessionIssuer"."userName" AS "role",
       "userIdentity"."accessKeyId" AS "accessKeyId",
       CAST("readOnly" AS VARCHAR) AS "readOnly",
       "eventID" AS "eventID"
FROM events
WHERE "eventTime" >= $1
  AND "eventTime" < $2
  AND "userIdentity"."sessionContext"."sessionIssuer"."arn" = $3

-- columns: role, accessKeyId, readOnly, eventID
-- $1 = TIMESTAMP 2024-05-01T06:00:00.000Z  (window.start)
-- $2 = TIMESTAMP 2024-05-02T06:00:00.000Z  (window.end)
-- $3 = "arn:aws:iam::111122223333:role/deploy"  (literal)

-- ===== athena =====
SELECT "useridentity"."sessioncontext"."sessionissuer"."username" AS "role",
       "useridentity"."accesskeyid" AS "accessKeyId",
       CAST("readonly" AS VARCHAR) AS "readOnly",
       "eventid" AS "eventID"
FROM "security"."cloudtrail_logs"
WHERE "timestamp" BETWEEN ? AND ?
  AND "eventtime" >= ?
  AND "eventtime" < ?
  AND "useridentity"."sessioncontext"."sessionissuer"."arn" = ?

-- columns: role, accessKeyId, readOnly, eventID
-- ? #1 = '2024/05/01'  (window.start)
-- ? #2 = '2024/05/02'  (window.end)
-- ? #3 = '2024-05-01T06:00:00Z'  (window.start)
-- ? #4 = '2024-05-02T06:00:00Z'  (window.end)
-- ? #5 = 'arn:aws:iam::111122223333:role/deploy'  (literal)

-- ===== lake =====
SELECT userIdentity.sessionContext.sessionIssuer.userName AS "role",
       userIdentity.accessKeyId AS "accessKeyId",
       CAST(readOnly AS VARCHAR) AS "readOnly",
       eventID AS "eventID"
FROM EXAMPLE-f852-4e8f-8bd1-bcf6cEXAMPLE
WHERE eventTime >= '2024-05-01 06:00:00'
  AND eventTime < '2024-05-02 06:00:00'
  AND userIdentity.sessionContext.sessionIssuer.arn = 'arn:aws:iam::111122223333:role/deploy'

-- columns: role, accessKeyId, readOnly, eventID
-- inlined '2024-05-01 06:00:00'  (window.start)
-- inlined '2024-05-02 06:00:00'  (window.end)
-- inlined 'arn:aws:iam::111122223333:role/deploy'  (literal)

-- ===== lookup =====
LookupEvents LookupAttributes=[] StartTime=2024-05-01T06:00:00Z EndTime=2024-05-02T06:00:00Z; then filter: userIdentity.sessionContext.sessionIssuer.arn = "arn:aws:iam::111122223333:role/deploy"; then return: userIdentity.sessionContext.sessionIssuer.userName as role, userIdentity.accessKeyId as accessKeyId, readOnly, eventID

-- columns: role, accessKeyId, readOnly, eventID
-- attribute: none
-- reason: no top-level condition pins eventID, userIdentity.accessKeyId, userIdentity.userName, eventName, eventSource, readOnly to one value, so LookupEvents reads every management event in the window and the filter runs here
