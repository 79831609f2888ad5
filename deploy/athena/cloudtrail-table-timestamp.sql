-- The CloudTrail table ctrb queries, partitioned by delivery day with partition projection
-- (no crawler, no ALTER TABLE ADD PARTITION): one trail's logs for one account and region,
-- under s3://<bucket>/AWSLogs/<account>/CloudTrail/<region>/<yyyy>/<MM>/<dd>/.
--
-- Replace BUCKET, ACCOUNT_ID and REGION (in LOCATION and storage.location.template alike),
-- and the start of projection.timestamp.range. Then set:
--   CTRB_ATHENA_DATABASE=<this database>  CTRB_ATHENA_TABLE=cloudtrail_logs
--   CTRB_ATHENA_PARTITIONING=timestamp
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
PARTITIONED BY (`timestamp` STRING)
ROW FORMAT SERDE 'org.apache.hive.hcatalog.data.JsonSerDe'
STORED AS INPUTFORMAT 'com.amazon.emr.cloudtrail.CloudTrailInputFormat'
OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'
LOCATION 's3://BUCKET/AWSLogs/ACCOUNT_ID/CloudTrail/REGION/'
TBLPROPERTIES (
  'projection.enabled' = 'true',
  'projection.timestamp.type' = 'date',
  'projection.timestamp.format' = 'yyyy/MM/dd',
  'projection.timestamp.interval' = '1',
  'projection.timestamp.interval.unit' = 'DAYS',
  'projection.timestamp.range' = '2023/01/01,NOW',
  'storage.location.template' = 's3://BUCKET/AWSLogs/ACCOUNT_ID/CloudTrail/REGION/${timestamp}'
);
