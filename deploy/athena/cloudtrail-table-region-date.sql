-- The CloudTrail table ctrb queries, partitioned as CloudTrail writes its logs, by region and
-- delivery day, with partition projection (no crawler, no ALTER TABLE ADD PARTITION): one
-- account's trail, every region it logs, under
-- s3://<bucket>/AWSLogs/<account>/CloudTrail/<region>/<yyyy>/<MM>/<dd>/.
--
-- Replace BUCKET and ACCOUNT_ID (in LOCATION and storage.location.template alike), the
-- regions the trail logs (projection.region.values) and the first year. Then set:
--   CTRB_ATHENA_DATABASE=<this database>  CTRB_ATHENA_TABLE=cloudtrail_logs
--   CTRB_ATHENA_PARTITIONING=region-year-month-day
--
-- year, month and day are text with zero-padded digits ('2024', '05', '01'), as in the S3
-- path: ctrb compares them as text ranges, which order like the numbers they spell.
--
-- Column names are CloudTrail's own, lower-cased as Athena stores them; the payloads
-- (requestparameters, responseelements, additionaleventdata, serviceeventdetails) stay JSON
-- text, and eventtime the text CloudTrail writes (YYYY-MM-DDTHH:MM:SSZ): ctrb's Athena
-- dialect reads them that way (src/query/dialects/athena.ts), and so does
-- test/engines/athena-ddl.test.ts, which checks this file against the fields runbooks use.
CREATE EXTERNAL TABLE IF NOT EXISTS cloudtrail_logs (
  eventversion STRING,
  useridentity STRUCT<
    type: STRING,
    principalid: STRING,
    arn: STRING,
    accountid: STRING,
    invokedby: STRING,
    accesskeyid: STRING,
    username: STRING,
    onbehalfof: STRUCT<
      userid: STRING,
      identitystorearn: STRING>,
    sessioncontext: STRUCT<
      attributes: STRUCT<
        mfaauthenticated: STRING,
        creationdate: STRING>,
      sessionissuer: STRUCT<
        type: STRING,
        principalid: STRING,
        arn: STRING,
        accountid: STRING,
        username: STRING>,
      sourceidentity: STRING,
      ec2roledelivery: STRING,
      webidfederationdata: STRUCT<
        federatedprovider: STRING,
        attributes: MAP<STRING, STRING>>>>,
  eventtime STRING,
  eventsource STRING,
  eventname STRING,
  awsregion STRING,
  sourceipaddress STRING,
  useragent STRING,
  errorcode STRING,
  errormessage STRING,
  requestparameters STRING,
  responseelements STRING,
  additionaleventdata STRING,
  requestid STRING,
  eventid STRING,
  readonly STRING,
  resources ARRAY<STRUCT<
    arn: STRING,
    accountid: STRING,
    type: STRING>>,
  eventtype STRING,
  apiversion STRING,
  managementevent BOOLEAN,
  recipientaccountid STRING,
  serviceeventdetails STRING,
  sharedeventid STRING,
  vpcendpointid STRING,
  vpcendpointaccountid STRING,
  eventcategory STRING,
  addendum STRUCT<
    reason: STRING,
    updatedfields: STRING,
    originalrequestid: STRING,
    originaleventid: STRING>,
  sessioncredentialfromconsole STRING,
  edgedevicedetails STRING,
  tlsdetails STRUCT<
    tlsversion: STRING,
    ciphersuite: STRING,
    clientprovidedhostheader: STRING>
)
PARTITIONED BY (region STRING, year STRING, month STRING, day STRING)
ROW FORMAT SERDE 'org.apache.hive.hcatalog.data.JsonSerDe'
STORED AS INPUTFORMAT 'com.amazon.emr.cloudtrail.CloudTrailInputFormat'
OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'
LOCATION 's3://BUCKET/AWSLogs/ACCOUNT_ID/CloudTrail/'
TBLPROPERTIES (
  'projection.enabled' = 'true',
  'projection.region.type' = 'enum',
  'projection.region.values' = 'us-east-1,us-east-2,us-west-1,us-west-2,eu-west-1,eu-west-2,eu-west-3,eu-central-1,eu-north-1,ap-northeast-1,ap-southeast-1,ap-southeast-2,ap-south-1,ca-central-1,sa-east-1',
  'projection.year.type' = 'integer',
  'projection.year.range' = '2023,2100',
  'projection.month.type' = 'integer',
  'projection.month.range' = '1,12',
  'projection.month.digits' = '2',
  'projection.day.type' = 'integer',
  'projection.day.range' = '1,31',
  'projection.day.digits' = '2',
  'storage.location.template' = 's3://BUCKET/AWSLogs/ACCOUNT_ID/CloudTrail/${region}/${year}/${month}/${day}'
);
