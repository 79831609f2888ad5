-- ===== duckdb =====
SELECT "eventName" AS "eventName",
       ("requestParameters"->>'$.bucketName') AS "bucket",
       ("requestParameters"->>'$.bucketPolicy.Version') AS "policy_version",
       ("responseElements"->>'$.accessKey') AS "access_key",
       ("requestParameters"->>'$') AS "requestParameters",
       "eventID" AS "eventID"
FROM events
WHERE "eventTime" >= $1
  AND "eventTime" < $2
  AND (starts_with(("requestParameters"->>'$.bucketName'), $3) OR ("responseElements"->>'$.accessKey') IS NOT NULL)
ORDER BY "eventName" ASC NULLS LAST, "eventID" ASC NULLS LAST

-- columns: eventName, bucket, policy_version, access_key, requestParameters, eventID
-- $1 = TIMESTAMP 2024-05-01T06:00:00.000Z  (window.start)
-- $2 = TIMESTAMP 2024-05-02T06:00:00.000Z  (window.end)
-- $3 = "prod-"  (literal)

-- ===== athena =====
SELECT "eventname" AS "eventName",
       COALESCE(json_extract_scalar("requestparameters", '$.bucketName'), NULLIF(json_format(json_extract("requestparameters", '$.bucketName')), 'null')) AS "bucket",
       COALESCE(json_extract_scalar("requestparameters", '$.bucketPolicy.Version'), NULLIF(json_format(json_extract("requestparameters", '$.bucketPolicy.Version')), 'null')) AS "policy_version",
       COALESCE(json_extract_scalar("responseelements", '$.accessKey'), NULLIF(json_format(json_extract("responseelements", '$.accessKey')), 'null')) AS "access_key",
       NULLIF("requestparameters", 'null') AS "requestParameters",
       "eventid" AS "eventID"
FROM "security"."cloudtrail_logs"
WHERE "timestamp" BETWEEN ? AND ?
  AND "eventtime" >= ?
  AND "eventtime" < ?
  AND (starts_with(COALESCE(json_extract_scalar("requestparameters", '$.bucketName'), NULLIF(json_format(json_extract("requestparameters", '$.bucketName')), 'null')), ?) OR COALESCE(json_extract_scalar("responseelements", '$.accessKey'), NULLIF(json_format(json_extract("responseelements", '$.accessKey')), 'null')) IS NOT NULL)
ORDER BY "eventName" ASC NULLS LAST, "eventID" ASC NULLS LAST

-- columns: eventName, bucket, policy_version, access_key, requestParameters, eventID
-- ? #1 = '2024/05/01'  (window.start)
-- ? #2 = '2024/05/02'  (window.end)
-- ? #3 = '2024-05-01T06:00:00Z'  (window.start)
-- ? #4 = '2024-05-02T06:00:00Z'  (window.end)
-- ? #5 = 'prod-'  (literal)

-- ===== lake =====
SELECT eventName AS "eventName",
       element_at(requestParameters, 'bucketName') AS "bucket",
       COALESCE(json_extract_scalar(element_at(requestParameters, 'bucketPolicy'), '$.Version'), NULLIF(json_format(json_extract(element_at(requestParameters, 'bucketPolicy'), '$.Version')), 'null')) AS "policy_version",
       element_at(responseElements, 'accessKey') AS "access_key",
       json_format(CAST(requestParameters AS JSON)) AS "requestParameters",
       eventID AS "eventID"
FROM EXAMPLE-f852-4e8f-8bd1-bcf6cEXAMPLE
WHERE eventTime >= '2024-05-01 06:00:00'
  AND eventTime < '2024-05-02 06:00:00'
  AND (starts_with(element_at(requestParameters, 'bucketName'), 'prod-') OR element_at(responseElements, 'accessKey') IS NOT NULL)
ORDER BY "eventName" ASC NULLS LAST, "eventID" ASC NULLS LAST

-- columns: eventName, bucket, policy_version, access_key, requestParameters, eventID
-- inlined '2024-05-01 06:00:00'  (window.start)
-- inlined '2024-05-02 06:00:00'  (window.end)
-- inlined 'prod-'  (literal)

-- ===== lookup =====
LookupEvents LookupAttributes=[] StartTime=2024-05-01T06:00:00Z EndTime=2024-05-02T06:00:00Z; then filter: requestParameters.bucketName starts with "prod-" or responseElements.accessKey exists; then return: eventName, requestParameters.bucketName as bucket, requestParameters.bucketPolicy.Version as policy_version, responseElements.accessKey as access_key, requestParameters, eventID; order by eventName asc

-- columns: eventName, bucket, policy_version, access_key, requestParameters, eventID
-- attribute: none
-- reason: no top-level condition pins eventID, userIdentity.accessKeyId, userIdentity.userName, eventName, eventSource, readOnly to one value, so LookupEvents reads every management event in the window and the filter runs here
