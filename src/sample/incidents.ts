/**
 * Planted incidents: short stories told in CloudTrail events, each tagged with the
 * runbook that should find it, the parameters to run it with, and the events it must
 * point at. All of them happen in the last 24 hours before the end of the generated
 * span, so a runbook's default window finds them when "now" is the span's end.
 *
 * The stories (times are hours after the start of those last 24 hours, UTC):
 *  - 01:58-03:47  a leaked CI access key: first use from an unknown address, a burst of
 *                 refused reconnaissance calls, a backdoor user with an admin policy, a
 *                 trust policy opened to the attacker's account, a pivot into the data
 *                 pipeline role, finance reports read and backups deleted at night, a
 *                 database snapshot shared with the attacker's account, GuardDuty and
 *                 CloudTrail switched off; the on-call engineer turns logging back on.
 *  - 05:11        someone signs in to the development account's root user without MFA.
 *  - 09:38        a contractor's login is used with a password only.
 *  - 10:05-15:30  a developer in the development account opens SSH to the world, makes a
 *                 function publicly invocable with a layer from an unknown account, and
 *                 makes a bucket public.
 *  - 14:20-16:11  an engineer escalates his own privileges, then disables and schedules
 *                 the deletion of the database's encryption key.
 *  - 21:30-21:42  an administrator's password is guessed from an unknown network, and the
 *                 session reads the production database's secret.
 *  - 18:02-18:55  carol's long-term access key, stolen, is spent: a batch of secrets read,
 *                 a shell command sent to a web instance, a GPU instance launched, Bedrock
 *                 models switched on and invoked, and the account taken out of the
 *                 organization and its guardrails.
 * foothold-incidents.ts tells three more (the backdoor user coming back at 04:10, the
 * development CI key spent at 12:02, the web instance's credentials used elsewhere at 22:05).
 */
import type { AccountCast, Bucket, Topology } from './cast.js';
import {
  ATTACKER_ACCOUNT,
  TRUSTED_CIDRS,
  UA,
  VENDOR_ACCOUNT,
  rootIdentity,
  roleSession,
  userInConsole,
  userWithKey,
  uuidFrom,
} from './cast.js';
import type { Actor } from './events.js';
import { apiCall, assumeRole, bucketCall, consoleLogin, invokeModel, kmsKeyResource, objectAccess } from './events.js';
import type { Random } from './random.js';
import { stableHex, stableId } from './random.js';
import type { CloudTrailRecord, EventSpec, UserIdentity } from './record.js';
import type { LoggingGap, PlantedIncident } from './story.js';
import { Story, backdoorUser, denied, iamDate, ids, roleNamed, user } from './story.js';
import { plantFootholdIncidents } from './foothold-incidents.js';

export type { LoggingGap, PlantedIncident } from './story.js';

export interface Stories {
  records: CloudTrailRecord[];
  incidents: PlantedIncident[];
  gaps: LoggingGap[];
}

const ATTACKER_IP = '192.0.2.77';
const ATTACKER_IP_2 = '192.0.2.140';
const ROOT_SIGNIN_IP = '192.0.2.201';
const GUESSING_IP = '192.0.2.200';
const KEY_THIEF_IP = '192.0.2.150';

// ---------------------------------------------------------------------------------------

function leakedKeyStory(s: Story, rng: Random, topo: Topology, prod: AccountCast, gaps: LoggingGap[]): PlantedIncident[] {
  const G = topo.globalRegion;
  const S = topo.secondaryRegion;
  const acct = prod.id;
  const ci = user(prod, 'ci-deploy');
  const key = ci.accessKeyId;
  const attacker: Actor = { identity: userWithKey(ci), ip: ATTACKER_IP, userAgent: UA.attackerCli };
  const call = (t: string, source: string, name: string, request: EventSpec['request'], extra: Partial<Parameters<typeof apiCall>[0]> = {}, region = G) =>
    s.emit(apiCall({ time: s.at(t), actor: attacker, account: acct, region, source, name, request, ...extra }));

  const keyEvents: CloudTrailRecord[] = [];
  keyEvents.push(call('01:58:12', 'sts.amazonaws.com', 'GetCallerIdentity', null));

  // Reconnaissance: what can this key do? Most of it is refused.
  const recon: [string, string, string, EventSpec['request'], ('ok' | 'denied' | 'ec2')?, string?][] = [
    ['02:00:05', 'iam.amazonaws.com', 'ListUsers', null, 'ok'],
    ['02:00:24', 'iam.amazonaws.com', 'GetAccountAuthorizationDetails', { filter: ['User', 'Role', 'Group', 'LocalManagedPolicy'] }, 'denied'],
    ['02:00:41', 'iam.amazonaws.com', 'ListAttachedUserPolicies', { userName: 'ci-deploy' }, 'ok'],
    ['02:01:02', 'organizations.amazonaws.com', 'DescribeOrganization', null, 'denied'],
    ['02:01:19', 'organizations.amazonaws.com', 'ListAccounts', null, 'denied'],
    ['02:01:40', 's3.amazonaws.com', 'ListBuckets', { Host: 's3.amazonaws.com' }, 'ok'],
    ['02:02:03', 'secretsmanager.amazonaws.com', 'ListSecrets', null, 'denied'],
    ['02:02:21', 'ssm.amazonaws.com', 'DescribeParameters', null, 'denied'],
    ['02:02:44', 'rds.amazonaws.com', 'DescribeDBInstances', null, 'denied'],
    ['02:03:05', 'ec2.amazonaws.com', 'DescribeInstances', { instancesSet: {}, filterSet: {} }, 'ec2'],
    ['02:03:22', 'ec2.amazonaws.com', 'DescribeInstances', { instancesSet: {}, filterSet: {} }, 'ec2', S],
    ['02:03:48', 'kms.amazonaws.com', 'ListKeys', null, 'denied'],
    ['02:04:10', 'lambda.amazonaws.com', 'ListFunctions20150331', null, 'denied'],
    ['02:04:31', 'dynamodb.amazonaws.com', 'ListTables', null, 'denied'],
    ['02:04:55', 'backup.amazonaws.com', 'ListBackupVaults', null, 'denied'],
    ['02:05:18', 'sso.amazonaws.com', 'ListInstances', null, 'denied'],
    ['02:05:40', 'cloudtrail.amazonaws.com', 'DescribeTrails', { trailNameList: [], includeShadowTrails: true }, 'ok'],
    ['02:06:02', 'iam.amazonaws.com', 'ListRoles', null, 'ok'],
  ];
  const refused: CloudTrailRecord[] = [];
  for (const [t, source, name, request, outcome, region] of recon) {
    const action = `${source.split('.')[0]}:${name.replace(/\d{8}(v\d)?$/, '')}`;
    const error = outcome === 'denied' ? denied(ci.arn, action) : outcome === 'ec2' ? denied(ci.arn, action, true) : undefined;
    const rec = call(t, source, name, request, { error, readOnly: true }, region ?? G);
    keyEvents.push(rec);
    if (error) refused.push(rec);
  }

  // Persistence: a user of its own, with a key, a password and administrator rights.
  const backdoorIam = backdoorUser(acct);
  const backdoor = { name: backdoorIam.name, id: backdoorIam.principalId, key: backdoorIam.accessKeyId };
  const createUser = call('02:12:03', 'iam.amazonaws.com', 'CreateUser', { userName: backdoor.name, path: '/' }, {
    response: { user: { path: '/', userName: backdoor.name, userId: backdoor.id, arn: `arn:aws:iam::${acct}:user/${backdoor.name}`, createDate: iamDate(s.at('02:12:03')) } },
  });
  const createKey = call('02:12:41', 'iam.amazonaws.com', 'CreateAccessKey', { userName: backdoor.name }, {
    response: { accessKey: { userName: backdoor.name, accessKeyId: backdoor.key, status: 'Active', createDate: iamDate(s.at('02:12:41')) } },
  });
  const attachAdmin = call('02:13:15', 'iam.amazonaws.com', 'AttachUserPolicy', { userName: backdoor.name, policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' });
  const loginProfile = call('02:13:52', 'iam.amazonaws.com', 'CreateLoginProfile', { userName: backdoor.name, passwordResetRequired: false }, {
    response: { loginProfile: { userName: backdoor.name, createDate: iamDate(s.at('02:13:52')), passwordResetRequired: false } },
  });
  const deployRole = roleNamed(prod, 'DeployRole');
  const trustPolicy = JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Principal: { AWS: ci.arn }, Action: 'sts:AssumeRole' },
      { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ATTACKER_ACCOUNT}:root` }, Action: 'sts:AssumeRole' },
    ],
  });
  const backdoorTrust = call('02:20:30', 'iam.amazonaws.com', 'UpdateAssumeRolePolicy', { roleName: deployRole.name, policyDocument: trustPolicy });
  keyEvents.push(createUser, createKey, attachAdmin, loginProfile, backdoorTrust);

  // Lateral movement into the data pipeline's role.
  const pipeline = roleNamed(prod, 'DataPipelineRole');
  const sessionName = 'botocore-session-1793671510';
  const sessionKey = stableId('ASIA', `${pipeline.arn}/${sessionName}`, 16);
  const pivot = s.emit(
    assumeRole(rng, {
      time: s.at('02:25:10'),
      actor: attacker,
      account: acct,
      region: G,
      roleArn: pipeline.arn,
      rolePrincipalId: pipeline.principalId,
      sessionName,
      sessionKey,
    }),
  );
  keyEvents.push(pivot);
  const asPipeline: Actor = {
    identity: roleSession(pipeline, sessionName, sessionKey, s.at('02:25:10')),
    ip: ATTACKER_IP,
    userAgent: UA.attackerBoto,
  };

  // Collection: finance reports read in the middle of the night.
  const finance = prod.buckets.find((b) => b.name === 'acme-finance-reports') as Bucket;
  const reportKeys = [
    'reports/2026/q3/revenue-by-customer.csv',
    'reports/2026/q3/payroll.xlsx',
    'reports/2026/q3/bank-accounts.csv',
    'reports/2026/q3/board-pack.pdf',
    'reports/2026/10/payables-31.csv',
    'reports/2026/10/receivables-31.csv',
  ];
  const reads = reportKeys.map((k, i) =>
    s.emit(objectAccess(rng, { time: s.at(`02:3${i + 1}:${String(7 + i * 6).padStart(2, '0')}`), actor: asPipeline, account: acct, bucket: finance, key: k, name: 'GetObject', bytes: 250_000 + i * 1_310_017 })),
  );

  // Impact: the database backups are deleted, then the bucket itself (refused).
  const backups = prod.buckets.find((b) => b.name === 'acme-prod-backups') as Bucket;
  const deletions: CloudTrailRecord[] = [];
  for (let i = 0; i < 30; i++) {
    const t = new Date(s.at('02:40:00').getTime() + i * 7000);
    const day = String(1 + (i % 30)).padStart(2, '0');
    deletions.push(s.emit(objectAccess(rng, { time: t, actor: asPipeline, account: acct, bucket: backups, key: `rds/orders/2026-10-${day}/orders-${i}.dump`, name: 'DeleteObject' })));
  }
  const deleteBucket = s.emit(
    bucketCall({
      time: s.at('02:45:02'),
      actor: asPipeline,
      account: acct,
      region: G,
      name: 'DeleteBucket',
      bucket: backups,
      error: { code: 'AccessDenied', message: 'Access Denied' },
    }),
  );

  // Exfiltration: through the backdoored trust policy, from the attacker's own account.
  const attackerPrincipal = stableId('AIDA', `${ATTACKER_ACCOUNT}/user/ops`, 17);
  const maintKey = stableId('ASIA', `${deployRole.arn}/maint`, 16);
  const crossAssume = s.emit(
    assumeRole(rng, {
      time: s.at('02:50:15'),
      actor: { identity: { type: 'AWSAccount', principalId: attackerPrincipal, accountId: ATTACKER_ACCOUNT }, ip: ATTACKER_IP_2, userAgent: UA.attackerBoto },
      account: acct,
      region: G,
      roleArn: deployRole.arn,
      rolePrincipalId: deployRole.principalId,
      sessionName: 'maint',
      sessionKey: maintKey,
      sharedEventID: rng.uuid(),
    }),
  );
  const asDeploy: Actor = { identity: roleSession(deployRole, 'maint', maintKey, s.at('02:50:15')), ip: ATTACKER_IP_2, userAgent: UA.attackerBoto };
  const snapshotId = `snap-0${stableHex(`${acct}/orders-db-snapshot`, 16)}`;
  s.emit(apiCall({ time: s.at('02:52:31'), actor: asDeploy, account: acct, region: G, source: 'ec2.amazonaws.com', name: 'DescribeSnapshots', request: { snapshotSet: {}, ownersSet: { items: [{ owner: 'self' }] }, filterSet: {} } }));
  const share = s.emit(
    apiCall({
      time: s.at('02:53:40'),
      actor: asDeploy,
      account: acct,
      region: G,
      source: 'ec2.amazonaws.com',
      name: 'ModifySnapshotAttribute',
      request: { snapshotId, createVolumePermission: { add: { items: [{ userId: ATTACKER_ACCOUNT }] } }, attributeType: 'CREATE_VOLUME_PERMISSION' },
      response: { requestId: rng.uuid(), _return: true },
    }),
  );

  // Defence evasion: GuardDuty and the trail are switched off.
  const deleteDetector = call('02:58:20', 'guardduty.amazonaws.com', 'DeleteDetector', { detectorId: stableHex(`${acct}/${G}/detector`, 32) });
  const trailArn = `arn:aws:cloudtrail:${G}:${acct}:trail/org-audit-trail`;
  const stopLogging = call('03:02:45', 'cloudtrail.amazonaws.com', 'StopLogging', { name: trailArn });
  keyEvents.push(deleteDetector, stopLogging);
  gaps.push({ account: acct, start: new Date(s.at('03:02:45').getTime() + 1000), end: s.at('03:47:10') });

  // The CloudTrail alarm pages the on-call engineer, who turns logging back on.
  const dave = prod.people.find((p) => p.name === 'dave');
  if (dave?.ssoRole) {
    const sso = roleNamed(prod, dave.ssoRole);
    const responder: Actor = {
      identity: roleSession(sso, 'dave@acme.example', stableId('ASIA', `${sso.arn}/dave/incident`, 16), s.at('03:45:58')),
      ip: dave.ip,
      userAgent: dave.browser,
      fromConsole: true,
    };
    s.emit(apiCall({ time: s.at('03:47:10'), actor: responder, account: acct, region: G, source: 'cloudtrail.amazonaws.com', name: 'StartLogging', request: { name: trailArn } }));
    s.emit(apiCall({ time: s.at('03:47:41'), actor: responder, account: acct, region: G, source: 'cloudtrail.amazonaws.com', name: 'GetTrailStatus', request: { name: trailArn } }));
    s.emit(apiCall({ time: s.at('03:49:02'), actor: responder, account: acct, region: G, source: 'iam.amazonaws.com', name: 'ListAccessKeys', request: { userName: 'ci-deploy' } }));
  }

  const ownAccounts = ownAccountsOf(topo);
  return [
    {
      id: 'leaked-key-recon',
      runbook: 'unauthorized-api-calls',
      params: {},
      findings: ['reconnaissance-burst'],
      description: `The leaked CI key ${key} was refused ${refused.length} calls across a dozen services within six minutes: reconnaissance.`,
      eventIDs: ids(refused),
    },
    {
      id: 'leaked-key-timeline',
      runbook: 'access-key-activity',
      params: { access_key_id: key },
      findings: ['used-from-untrusted-network', 'attack-tooling', 'many-refusals', 'sensitive-call'],
      description: `Access key ${key} of ci-deploy, normally used only from the CI runner, was used from ${ATTACKER_IP} with a Kali Linux user agent.`,
      eventIDs: ids(keyEvents),
    },
    {
      id: 'leaked-key-compromise',
      runbook: 'compromised-credentials',
      params: { credential: key },
      findings: ['used-from-untrusted-network', 'persistence-created', 'role-assumed-from-untrusted-network', 'data-read', 'logging-tampered'],
      description: `The compromised key created a backdoor user, opened DeployRole's trust policy, assumed DataPipelineRole and read finance reports through it, then disabled GuardDuty and CloudTrail.`,
      eventIDs: ids([createUser, createKey, attachAdmin, loginProfile, backdoorTrust, pivot, ...reads, deleteDetector, stopLogging]),
    },
    {
      id: 'backdoor-user',
      runbook: 'iam-persistence',
      params: {},
      findings: ['user-created', 'access-key-for-another-user', 'console-password-issued', 'trust-opened-outside'],
      description: `ci-deploy created the user ${backdoor.name} with an access key and a console password, and let account ${ATTACKER_ACCOUNT} assume DeployRole.`,
      eventIDs: ids([createUser, createKey, loginProfile, backdoorTrust]),
    },
    {
      id: 'admin-policy-attached',
      runbook: 'iam-policy-changes',
      params: {},
      findings: ['administrator-access-granted'],
      description: `ci-deploy attached AdministratorAccess to the new user ${backdoor.name}.`,
      eventIDs: ids([attachAdmin]),
    },
    {
      id: 'finance-reports-read-at-night',
      runbook: 's3-data-access',
      params: {},
      findings: ['read-outside-working-hours'],
      description: `A DataPipelineRole session opened from ${ATTACKER_IP} read ${reads.length} finance reports between 02:31 and 02:37 UTC.`,
      eventIDs: ids(reads),
    },
    {
      id: 'backups-deleted',
      runbook: 's3-deletions',
      params: {},
      findings: ['mass-object-deletion'],
      description: `The same DataPipelineRole session deleted ${deletions.length} database backups from ${backups.name} and tried to delete the bucket.`,
      eventIDs: ids([...deletions, deleteBucket]),
    },
    {
      id: 'destructive-deletes',
      runbook: 'delete-operations',
      params: {},
      findings: ['deletion-burst', 'destructive-delete'],
      description: `A burst of deletions at night: ${deletions.length} backups, an attempt on the backup bucket, and the GuardDuty detector.`,
      eventIDs: ids([...deletions, deleteBucket, deleteDetector]),
    },
    {
      id: 'snapshot-shared-with-attacker',
      runbook: 'external-access',
      params: { own_accounts: ownAccounts },
      findings: ['external-principal-succeeded', 'shared-with-other-account'],
      description: `Account ${ATTACKER_ACCOUNT} assumed DeployRole through the backdoored trust policy and shared the orders database snapshot ${snapshotId} with itself.`,
      eventIDs: ids([crossAssume, share]),
    },
    {
      id: 'logging-stopped',
      runbook: 'cloudtrail-tampering',
      params: {},
      findings: ['logging-switched-off'],
      description: 'ci-deploy deleted the GuardDuty detector and stopped the organization trail; nothing was recorded for 44 minutes.',
      eventIDs: ids([deleteDetector, stopLogging]),
    },
  ];
}

/** The accounts external-access is told are ours: the tree's own and the monitoring vendor's. */
function ownAccountsOf(topo: Topology): string {
  return [...new Set([...topo.accounts.map((a) => a.id), VENDOR_ACCOUNT])].join(',');
}

function rootSignInStory(s: Story, topo: Topology, dev: AccountCast): PlantedIncident[] {
  const G = topo.globalRegion;
  const acct = dev.id;
  const ua = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:131.0) Gecko/20100101 Firefox/131.0';
  const failed = s.emit(consoleLogin({ time: s.at('05:11:47'), identity: rootIdentity(acct), account: acct, region: G, ip: ROOT_SIGNIN_IP, userAgent: ua, mfaUsed: false, success: false }));
  const login = s.emit(consoleLogin({ time: s.at('05:12:20'), identity: rootIdentity(acct), account: acct, region: G, ip: ROOT_SIGNIN_IP, userAgent: ua, mfaUsed: false, success: true }));
  const session: UserIdentity = {
    ...rootIdentity(acct, { accessKeyId: stableId('ASIA', `${acct}/root/console`, 16) }),
    sessionContext: { attributes: { creationDate: '', mfaAuthenticated: 'false' } },
  };
  session.sessionContext!.attributes.creationDate = login.eventTime;
  const root: Actor = { identity: session, ip: ROOT_SIGNIN_IP, userAgent: ua, fromConsole: true };
  const summary = s.emit(apiCall({ time: s.at('05:13:02'), actor: root, account: acct, region: G, source: 'iam.amazonaws.com', name: 'GetAccountSummary', request: null }));
  const users = s.emit(apiCall({ time: s.at('05:13:40'), actor: root, account: acct, region: G, source: 'iam.amazonaws.com', name: 'ListUsers', request: null }));
  const rootKey = stableId('AKIA', `${acct}/root/key`, 16);
  const createKey = s.emit(
    apiCall({
      time: s.at('05:14:40'),
      actor: root,
      account: acct,
      region: G,
      source: 'iam.amazonaws.com',
      name: 'CreateAccessKey',
      request: null,
      response: { accessKey: { accessKeyId: rootKey, status: 'Active', createDate: iamDate(s.at('05:14:40')) } },
    }),
  );
  return [
    {
      id: 'root-sign-in-without-mfa',
      runbook: 'root-activity',
      params: {},
      findings: ['root-sign-in-without-mfa', 'root-used', 'root-access-key-created'],
      description: `Someone signed in as the root user of account ${acct} from ${ROOT_SIGNIN_IP} without MFA (after one failed attempt) and created a root access key.`,
      eventIDs: ids([failed, login, summary, users, createKey]),
    },
  ];
}

function passwordOnlyStory(s: Story, topo: Topology, prod: AccountCast): PlantedIncident[] {
  const G = topo.globalRegion;
  const acct = prod.id;
  const u = user(prod, 'vendor-support');
  const ip = '198.51.100.77';
  const identity: UserIdentity = { type: 'IAMUser', principalId: u.principalId, arn: u.arn, accountId: acct, userName: u.name };
  s.emit(consoleLogin({ time: s.at('09:38:05'), identity, account: acct, region: G, ip, userAgent: UA.edgeWindows, mfaUsed: false, success: false }));
  const login = s.emit(consoleLogin({ time: s.at('09:40:31'), identity, account: acct, region: G, ip, userAgent: UA.edgeWindows, mfaUsed: false, success: true }));
  const actor: Actor = { identity: userInConsole(u, stableId('ASIA', `${u.arn}/console/incident`, 16), s.at('09:40:31'), false), ip, userAgent: UA.edgeWindows, fromConsole: true };
  s.emit(apiCall({ time: s.at('09:42:10'), actor, account: acct, region: G, source: 's3.amazonaws.com', name: 'ListBuckets', request: { Host: 's3.amazonaws.com' } }));
  s.emit(apiCall({ time: s.at('09:43:55'), actor, account: acct, region: G, source: 'ec2.amazonaws.com', name: 'DescribeInstances', request: { instancesSet: {}, filterSet: {} } }));
  return [
    {
      id: 'contractor-password-only',
      runbook: 'console-login-without-mfa',
      params: {},
      findings: ['signed-in-without-mfa'],
      description: `The contractor login ${u.name} signed in to the console with a password only (no MFA), after one failed attempt.`,
      eventIDs: ids([login]),
    },
  ];
}

function devHygieneStory(s: Story, rng: Random, topo: Topology, dev: AccountCast): PlantedIncident[] {
  const G = topo.globalRegion;
  const S = topo.secondaryRegion;
  const acct = dev.id;
  const person = dev.people.find((p) => p.iamUser) ?? { name: 'frank', ip: '203.0.113.57', browser: UA.chromeMac };
  const u = dev.users.get(person.name) ?? user(dev, 'ci-deploy');
  const actor: Actor = {
    identity: userInConsole(u, stableId('ASIA', `${u.arn}/console/hygiene`, 16), s.at('07:41:12'), true),
    ip: person.ip,
    userAgent: person.browser,
    fromConsole: true,
  };
  const groupId = `sg-0${stableHex(`${acct}/sg/bastion`, 16)}`;
  const openSsh = s.emit(
    apiCall({
      time: s.at('10:05:40'),
      actor,
      account: acct,
      region: S,
      source: 'ec2.amazonaws.com',
      name: 'AuthorizeSecurityGroupIngress',
      request: {
        groupId,
        ipPermissions: {
          items: [
            {
              ipProtocol: 'tcp',
              fromPort: 22,
              toPort: 22,
              groups: {},
              ipRanges: { items: [{ cidrIp: '0.0.0.0/0', description: 'temp debug' }] },
              ipv6Ranges: { items: [{ cidrIpv6: '::/0' }] },
              prefixListIds: {},
            },
          ],
        },
      },
      response: { requestId: rng.uuid(), _return: true, securityGroupRuleSet: { items: [{ groupOwnerId: acct, groupId, securityGroupRuleId: `sgr-0${rng.hex(16)}`, isEgress: false, ipProtocol: 'tcp', fromPort: 22, toPort: 22, cidrIpv4: '0.0.0.0/0' }] } },
    }),
  );
  const naclEntry = s.emit(
    apiCall({
      time: s.at('10:07:12'),
      actor,
      account: acct,
      region: S,
      source: 'ec2.amazonaws.com',
      name: 'CreateNetworkAclEntry',
      request: { networkAclId: `acl-0${stableHex(`${acct}/acl/public`, 16)}`, ruleNumber: 90, egress: false, ruleAction: 'allow', icmpTypeCode: {}, portRange: { from: 0, to: 65535 }, aclProtocol: '-1', cidrBlock: '0.0.0.0/0' },
      response: { requestId: rng.uuid(), _return: true },
    }),
  );
  const fn = `arn:aws:lambda:${G}:${acct}:function:payments-webhook`;
  const publicInvoke = s.emit(
    apiCall({
      time: s.at('11:20:33'),
      actor,
      account: acct,
      region: G,
      source: 'lambda.amazonaws.com',
      name: 'AddPermission20150331v2',
      request: { functionName: 'payments-webhook', statementId: 'public-invoke', action: 'lambda:InvokeFunction', principal: '*' },
      response: { statement: JSON.stringify({ Sid: 'public-invoke', Effect: 'Allow', Principal: '*', Action: 'lambda:InvokeFunction', Resource: fn }) },
    }),
  );
  const foreignLayer = `arn:aws:lambda:${G}:${ATTACKER_ACCOUNT}:layer:aws-sdk-patch:3`;
  const addLayer = s.emit(
    apiCall({
      time: s.at('11:22:05'),
      actor,
      account: acct,
      region: G,
      source: 'lambda.amazonaws.com',
      name: 'UpdateFunctionConfiguration20150331v2',
      request: { functionName: 'payments-webhook', layers: [foreignLayer] },
      response: { functionName: 'payments-webhook', functionArn: fn, runtime: 'nodejs20.x', layers: [{ arn: foreignLayer, codeSize: 48213 }], lastUpdateStatus: 'InProgress' },
    }),
  );
  const share: Bucket = { name: 'acme-dev-share', region: G, sensitive: false };
  const removeBlock = s.emit(
    bucketCall({ time: s.at('15:28:10'), actor, account: acct, region: G, name: 'DeleteBucketPublicAccessBlock', bucket: share, extra: { publicAccessBlock: '' } }),
  );
  const publicPolicy = s.emit(
    bucketCall({
      time: s.at('15:30:44'),
      actor,
      account: acct,
      region: G,
      name: 'PutBucketPolicy',
      bucket: share,
      extra: {
        bucketPolicy: {
          Version: '2012-10-17',
          Statement: [{ Sid: 'PublicRead', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${share.name}/*` }],
        },
        policy: '',
      },
    }),
  );
  return [
    {
      id: 'ssh-open-to-the-world',
      runbook: 'security-group-changes',
      params: {},
      findings: ['open-to-the-internet'],
      description: `${u.name} opened SSH on ${groupId} to 0.0.0.0/0 and ::/0 and added a network ACL rule allowing everything from anywhere.`,
      eventIDs: ids([openSsh, naclEntry]),
    },
    {
      id: 'public-function-with-foreign-layer',
      runbook: 'lambda-changes',
      params: {},
      findings: ['function-open-to-everyone', 'foreign-layer-attached'],
      description: `${u.name} let anyone invoke payments-webhook and attached a layer published by account ${ATTACKER_ACCOUNT}.`,
      eventIDs: ids([publicInvoke, addLayer]),
    },
    {
      id: 'bucket-made-public',
      runbook: 's3-exposure',
      params: {},
      findings: ['public-access-block-removed', 'public-bucket-policy'],
      description: `${u.name} removed the public access block of ${share.name} and gave everyone read access in its bucket policy.`,
      eventIDs: ids([removeBlock, publicPolicy]),
    },
  ];
}

function insiderStory(s: Story, topo: Topology, prod: AccountCast): PlantedIncident[] {
  const G = topo.globalRegion;
  const acct = prod.id;
  const person = prod.people.find((p) => p.name === 'bob');
  const u = user(prod, 'bob');
  const actor: Actor = {
    identity: userInConsole(u, stableId('ASIA', `${u.arn}/console/insider`, 16), s.at('07:52:30'), true),
    ip: person?.ip ?? '203.0.113.34',
    userAgent: person?.browser ?? UA.firefoxLinux,
    fromConsole: true,
  };
  const policyArn = `arn:aws:iam::${acct}:policy/DeveloperAccess`;
  const escalate = s.emit(
    apiCall({
      time: s.at('14:20:11'),
      actor,
      account: acct,
      region: G,
      source: 'iam.amazonaws.com',
      name: 'CreatePolicyVersion',
      request: { policyArn, policyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }), setAsDefault: true },
      response: { policyVersion: { versionId: 'v4', isDefaultVersion: true, createDate: iamDate(s.at('14:20:11')) } },
    }),
  );
  const keyArn = `arn:aws:kms:${G}:${acct}:key/${uuidFrom(`${acct}/${G}/orders-db`)}`;
  const disable = s.emit(
    apiCall({ time: s.at('16:10:30'), actor, account: acct, region: G, source: 'kms.amazonaws.com', name: 'DisableKey', request: { keyId: keyArn }, resources: kmsKeyResource(acct, keyArn) }),
  );
  const schedule = s.emit(
    apiCall({
      time: s.at('16:11:05'),
      actor,
      account: acct,
      region: G,
      source: 'kms.amazonaws.com',
      name: 'ScheduleKeyDeletion',
      request: { keyId: keyArn, pendingWindowInDays: 7 },
      response: { keyId: keyArn, deletionDate: iamDate(new Date(s.at('16:11:05').getTime() + 7 * 86_400_000)), keyState: 'PendingDeletion', pendingWindowInDays: 7 },
      resources: kmsKeyResource(acct, keyArn),
    }),
  );
  return [
    {
      id: 'self-granted-admin',
      runbook: 'iam-policy-changes',
      params: {},
      findings: ['administrator-policy-written'],
      description: `bob made a new default version of DeveloperAccess that allows every action on every resource.`,
      eventIDs: ids([escalate]),
    },
    {
      id: 'database-key-scheduled-for-deletion',
      runbook: 'kms-key-changes',
      params: {},
      findings: ['key-destroyed-or-disabled'],
      description: `bob disabled the orders database's KMS key and scheduled its deletion in 7 days.`,
      eventIDs: ids([disable, schedule]),
    },
    {
      id: 'insider-timeline',
      runbook: 'principal-activity',
      params: { principal: u.arn },
      findings: ['sensitive-change'],
      description: `bob's day: a privilege escalation at 14:20, then the database key disabled and scheduled for deletion.`,
      eventIDs: ids([escalate, disable, schedule]),
    },
  ];
}

function passwordGuessingStory(s: Story, topo: Topology, prod: AccountCast): PlantedIncident[] {
  const G = topo.globalRegion;
  const acct = prod.id;
  const u = user(prod, 'alice');
  const ua = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:131.0) Gecko/20100101 Firefox/131.0';
  const identity: UserIdentity = { type: 'IAMUser', principalId: u.principalId, arn: u.arn, accountId: acct, userName: u.name };
  const attempts: CloudTrailRecord[] = [];
  for (const t of ['21:30:02', '21:31:40', '21:33:15', '21:35:09', '21:36:51', '21:38:30']) {
    attempts.push(s.emit(consoleLogin({ time: s.at(t), identity, account: acct, region: G, ip: GUESSING_IP, userAgent: ua, mfaUsed: false, success: false })));
  }
  const login = s.emit(consoleLogin({ time: s.at('21:40:09'), identity, account: acct, region: G, ip: GUESSING_IP, userAgent: ua, mfaUsed: true, success: true }));
  const actor: Actor = { identity: userInConsole(u, stableId('ASIA', `${u.arn}/console/guessed`, 16), s.at('21:40:09'), true), ip: GUESSING_IP, userAgent: ua, fromConsole: true };
  s.emit(apiCall({ time: s.at('21:41:22'), actor, account: acct, region: G, source: 'secretsmanager.amazonaws.com', name: 'ListSecrets', request: null }));
  const secretRead = s.emit(apiCall({ time: s.at('21:42:03'), actor, account: acct, region: G, source: 'secretsmanager.amazonaws.com', name: 'GetSecretValue', request: { secretId: 'prod/orders/db' } }));
  return [
    {
      id: 'admin-sign-in-from-unknown-network',
      runbook: 'console-login-unusual-source',
      params: {},
      findings: ['password-guessing', 'sign-in-from-untrusted-network'],
      description: `Six failed console sign-ins for alice from ${GUESSING_IP}, outside the office and VPN ranges (${TRUSTED_CIDRS.join(', ')}), then a successful one with MFA.`,
      eventIDs: ids([...attempts, login]),
    },
    {
      id: 'secret-read-after-guessed-sign-in',
      runbook: 'secrets-access',
      params: {},
      findings: ['secret-read-by-a-person'],
      description: `Two minutes after the guessed sign-in, the same console session read the production database secret prod/orders/db.`,
      eventIDs: ids([secretRead]),
    },
  ];
}

function stolenKeySpentStory(s: Story, topo: Topology, prod: AccountCast): PlantedIncident[] {
  const G = topo.globalRegion;
  const acct = prod.id;
  const carol = user(prod, 'carol');
  const thief: Actor = { identity: userWithKey(carol), ip: KEY_THIEF_IP, userAgent: UA.attackerCli };
  const call = (t: string, source: string, name: string, request: EventSpec['request'], response?: EventSpec['response']) =>
    s.emit(apiCall({ time: s.at(t), actor: thief, account: acct, region: G, source, name, request, response }));

  const secretIds = ['prod/orders/db', 'prod/payments/api-key', 'prod/ci/github-token'];
  const batch = call('18:02:14', 'secretsmanager.amazonaws.com', 'BatchGetSecretValue', { secretIdList: secretIds });

  const instanceId = `i-0${stableHex(`${acct}/web-1`, 16)}`;
  const command = call(
    '18:09:40',
    'ssm.amazonaws.com',
    'SendCommand',
    { documentName: 'AWS-RunShellScript', instanceIds: [instanceId], parameters: 'HIDDEN_DUE_TO_SECURITY_REASONS' },
    { command: { commandId: uuidFrom(`${acct}/command/thief`), documentName: 'AWS-RunShellScript', status: 'Pending' } },
  );

  const gpuId = `i-0${stableHex(`${acct}/gpu-1`, 16)}`;
  const launch = call(
    '18:21:03',
    'ec2.amazonaws.com',
    'RunInstances',
    { instanceType: 'p4d.24xlarge', instancesSet: { items: [{ imageId: 'ami-0c7217cdde317cfec', minCount: 1, maxCount: 1 }] } },
    { instancesSet: { items: [{ instanceId: gpuId, instanceType: 'p4d.24xlarge', currentState: { code: 0, name: 'pending' } }] } },
  );

  const modelId = 'anthropic.claude-3-5-sonnet-20240620-v1:0';
  const enable = call('18:30:12', 'bedrock.amazonaws.com', 'PutUseCaseForModelAccess', { formData: 'HIDDEN_DUE_TO_SECURITY_REASONS' });
  const invocations = ['18:31:05', '18:31:48', '18:33:20'].map((t) => s.emit(invokeModel({ time: s.at(t), actor: thief, account: acct, region: G, modelId })));

  const leave = call('18:55:31', 'organizations.amazonaws.com', 'LeaveOrganization', null);

  return [
    {
      id: 'secrets-read-in-a-batch',
      runbook: 'secrets-access',
      params: {},
      findings: ['batch-secret-read'],
      description: `carol's access key, used from ${KEY_THIEF_IP}, read ${secretIds.length} production secrets in one BatchGetSecretValue.`,
      eventIDs: ids([batch]),
    },
    {
      id: 'shell-command-on-web-instance',
      runbook: 'instance-remote-access',
      params: {},
      findings: ['command-sent'],
      description: `The same key sent AWS-RunShellScript to ${instanceId}: a command run as root on a web server.`,
      eventIDs: ids([command]),
    },
    {
      id: 'gpu-instance-launched',
      runbook: 'instance-launches',
      params: {},
      findings: ['large-instance-type'],
      description: `The same key launched a p4d.24xlarge (${gpuId}): eight GPUs, the kind of instance cryptominers start.`,
      eventIDs: ids([launch]),
    },
    {
      id: 'bedrock-models-enabled-and-invoked',
      runbook: 'bedrock-model-access',
      params: {},
      findings: ['model-access-enabled', 'models-invoked-by-whoever-enabled-them'],
      description: `The same key switched Bedrock model access on and invoked ${modelId} ${invocations.length} times.`,
      eventIDs: ids([enable, ...invocations]),
    },
    {
      id: 'account-left-organization',
      runbook: 'organization-changes',
      params: {},
      findings: ['left-the-organization'],
      description: `The same key took account ${acct} out of its organization, and so out of every service control policy.`,
      eventIDs: ids([leave]),
    },
  ];
}

/**
 * Plant every story. `anchor` is the start of the last 24 hours of the span. The first
 * account plays production, the second development (production again when alone).
 */
export function plantIncidents(rng: Random, topo: Topology, anchor: Date): Stories {
  const prod = topo.accounts[0] as AccountCast;
  const dev = topo.accounts[1] ?? prod;
  const s = new Story(rng, anchor);
  const gaps: LoggingGap[] = [];
  const incidents = [
    ...leakedKeyStory(s, rng, topo, prod, gaps),
    ...rootSignInStory(s, topo, dev),
    ...passwordOnlyStory(s, topo, prod),
    ...devHygieneStory(s, rng, topo, dev),
    ...insiderStory(s, topo, prod),
    ...passwordGuessingStory(s, topo, prod),
    ...stolenKeySpentStory(s, topo, prod),
    ...plantFootholdIncidents(s, rng, topo, prod, dev, ownAccountsOf(topo)),
  ];
  incidents.push(addressStory(s.records, ATTACKER_IP));
  return { records: s.records, incidents, gaps };
}

/**
 * The attacker's address, followed on its own: every call made from it (the leaked key's and
 * the DataPipelineRole session's), which source-address-activity finds without knowing either.
 * It plants no events of its own, so the rest of the sample stays as it was.
 */
function addressStory(records: readonly CloudTrailRecord[], ip: string): PlantedIncident {
  const fromIp = records.filter((r) => r.sourceIPAddress === ip).sort((a, b) => a.eventTime.localeCompare(b.eventTime));
  const principals = new Set(fromIp.map((r) => r.userIdentity.arn));
  return {
    id: 'attacker-address-shared',
    runbook: 'source-address-activity',
    params: { ip },
    findings: ['shared-address', 'many-refusals'],
    description: `${ip} was used by ${principals.size} identities (the leaked key of ci-deploy and the sessions it opened), ${fromIp.length} calls between ${fromIp[0]?.eventTime} and ${fromIp.at(-1)?.eventTime}.`,
    eventIDs: ids(fromIp),
  };
}
