/**
 * The IAM action a CloudTrail event needed. The event names the API operation
 * (`eventSource: s3.amazonaws.com`, `eventName: DeleteBucketLifecycle`); the simulator wants the
 * permission (`s3:PutLifecycleConfiguration`). For most services they are the same name under
 * the service prefix; S3 is where they differ most, and a few event sources are not the
 * service prefix.
 */

/** Event sources whose IAM service prefix is not their first label. */
const SERVICE_PREFIX: Readonly<Record<string, string>> = {
  'monitoring.amazonaws.com': 'cloudwatch',
  'email.amazonaws.com': 'ses',
  'tagging.amazonaws.com': 'tag',
  'elasticmapreduce.amazonaws.com': 'elasticmapreduce',
  'signin.amazonaws.com': 'signin',
};

/** S3 API operations and the permission each needs, where the two names differ. */
const S3_PERMISSION: Readonly<Record<string, string>> = {
  DeleteObjects: 'DeleteObject',
  DeleteBucketLifecycle: 'PutLifecycleConfiguration',
  DeleteBucketReplication: 'PutReplicationConfiguration',
  DeleteBucketEncryption: 'PutEncryptionConfiguration',
  DeleteBucketCors: 'PutBucketCORS',
  DeleteBucketTagging: 'PutBucketTagging',
  DeleteBucketOwnershipControls: 'PutBucketOwnershipControls',
  DeleteBucketAnalyticsConfiguration: 'PutAnalyticsConfiguration',
  DeleteBucketMetricsConfiguration: 'PutMetricsConfiguration',
  DeleteBucketInventoryConfiguration: 'PutInventoryConfiguration',
  DeleteBucketIntelligentTieringConfiguration: 'PutIntelligentTieringConfiguration',
  DeletePublicAccessBlock: 'PutBucketPublicAccessBlock',
  PutBucketLifecycleConfiguration: 'PutLifecycleConfiguration',
  PutBucketEncryption: 'PutEncryptionConfiguration',
  PutBucketReplication: 'PutReplicationConfiguration',
  PutBucketCors: 'PutBucketCORS',
  PutPublicAccessBlock: 'PutBucketPublicAccessBlock',
  HeadObject: 'GetObject',
  HeadBucket: 'ListBucket',
  ListBuckets: 'ListAllMyBuckets',
  ListObjects: 'ListBucket',
  ListObjectsV2: 'ListBucket',
  ListObjectVersions: 'ListBucketVersions',
  CopyObject: 'PutObject',
  CreateMultipartUpload: 'PutObject',
  UploadPart: 'PutObject',
  CompleteMultipartUpload: 'PutObject',
  GetBucketLifecycleConfiguration: 'GetLifecycleConfiguration',
};

const ACTION = /^([a-z0-9-]+(?:\.amazonaws\.com)?):([A-Za-z0-9]+)$/;

/**
 * `s3:DeleteBucketLifecycle` or `s3.amazonaws.com:DeleteBucketLifecycle` →
 * `s3:PutLifecycleConfiguration`. Undefined when the text is neither form.
 */
export function iamActionOf(text: string): string | undefined {
  const m = ACTION.exec(text.trim());
  if (!m) return undefined;
  const [, source, operation] = m;
  const service = source!.endsWith('.amazonaws.com') ? (SERVICE_PREFIX[source!] ?? source!.slice(0, source!.indexOf('.'))) : source!;
  const permission = service === 's3' ? (S3_PERMISSION[operation!] ?? operation!) : operation!;
  return `${service}:${permission}`;
}
