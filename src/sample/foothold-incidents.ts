/**
 * Planted incidents of the ways an intruder stays in and gets onto the instances, each
 * found by a runbook check at medium or worse. The times are hours after the start of the
 * last 24 hours, UTC:
 *  - 04:10-04:55  the backdoor user backup-svc (made by the leaked CI key at 02:12) comes back
 *                 from the attacker's second address: a federation token that outlives its key,
 *                 an IAM Roles Anywhere trust anchor for the attacker's own certificate authority
 *                 and a profile handing out DeployRole, the production VPC's DNS query logging
 *                 disassociated and deleted; then, as the federated user, onto the instances: an
 *                 SSH key pushed with EC2 Instance Connect, the serial console switched on and a
 *                 key pushed to it, a web server's user data replaced, a Session Manager shell.
 *                 Last, backup-svc's own key tries what models the account can run.
 *  - 12:02-12:44  the development account's CI key, stolen, assumes the deploy role, and through
 *                 it the service control policy that kept the account to its regions is
 *                 detached, ten instances are launched one by one in a region nobody works in,
 *                 the build image is made public and a database snapshot is shared with the
 *                 attacker's account.
 *  - 00:41-00:49  the production web instance's role credentials, taken through its metadata
 *                 service, are used from an outside address to decrypt the application's
 *                 parameters.
 *
 * The IAM users these stories act as are all in the production account, as in the other
 * stories: a runbook's remediation acts in one account per approval, and the development
 * account's intruder works through a role.
 */
import type { AccountCast, IamUser, Topology } from './cast.js';
import { ATTACKER_ACCOUNT, UA, federatedUser, roleSession, userWithKey } from './cast.js';
import { instanceActorAt } from './background.js';
import type { Actor } from './events.js';
import { apiCall, assumeRole, invokeModel } from './events.js';
import type { Random } from './random.js';
import { stableHex, stableId } from './random.js';
import type { CloudTrailRecord, EventSpec, Json } from './record.js';
import type { PlantedIncident, Story } from './story.js';
import { backdoorUser, iamDate, ids, nanoTime, roleNamed, user } from './story.js';

/** The address the attacker's own account called from at 02:50, in the leaked-key story. */
const BACKDOOR_IP = '192.0.2.140';
const CI_THIEF_IP = '192.0.2.170';
const METADATA_THIEF_IP = '192.0.2.160';

/** Regions intruders launch in because nobody there is watching: the first the tree does not use. */
const FAR_REGIONS = ['ap-southeast-1', 'sa-east-1', 'ap-south-1', 'ca-central-1', 'ap-northeast-3', 'me-central-1'];

const EC2_XMLNS = 'http://ec2.amazonaws.com/doc/2016-11-15/';

/** EC2 and EC2 Instance Connect repeat the call's request id in their response. */
function echoRequestId(rec: CloudTrailRecord): CloudTrailRecord {
  const response = rec.responseElements;
  if (response && typeof response === 'object' && !Array.isArray(response)) {
    if ('requestId' in response) response.requestId = rec.requestID;
    for (const inner of Object.values(response)) {
      if (inner && typeof inner === 'object' && !Array.isArray(inner) && 'requestId' in inner) inner.requestId = rec.requestID;
    }
  }
  return rec;
}

/** An SSH public key as EC2 Instance Connect logs it. */
function sshKey(rng: Random, comment: string): string {
  return `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${rng.mixedAlnum(43)} ${comment}`;
}

/** A PEM certificate (not a real one: its body is random, as the log shows it). */
function pemCertificate(rng: Random): string {
  const lines = Array.from({ length: 10 }, () => rng.mixedAlnum(64));
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n${rng.mixedAlnum(24)}==\n-----END CERTIFICATE-----\n`;
}

function instanceId(account: string, name: string): string {
  return `i-0${stableHex(`${account}/${name}`, 16)}`;
}

// ---------------------------------------------------------------------------------------

function backdoorReturnsStory(s: Story, rng: Random, topo: Topology, prod: AccountCast): PlantedIncident[] {
  const G = topo.globalRegion;
  const acct = prod.id;
  const backdoor: IamUser = backdoorUser(acct);
  const withKey: Actor = { identity: userWithKey(backdoor), ip: BACKDOOR_IP, userAgent: UA.attackerCli };
  s.emit(apiCall({ time: s.at('04:10:05'), actor: withKey, account: acct, region: G, source: 'sts.amazonaws.com', name: 'GetCallerIdentity', request: null }));

  // A federation token: a session of its own, for 36 hours, whatever happens to the key.
  const fedName = 'backup';
  const fedKey = stableId('ASIA', `${acct}/federated/${fedName}`, 16);
  const fedAt = s.at('04:11:32');
  const federation = s.emit(
    apiCall({
      time: fedAt,
      actor: withKey,
      account: acct,
      region: G,
      source: 'sts.amazonaws.com',
      name: 'GetFederationToken',
      readOnly: false,
      request: {
        name: fedName,
        durationSeconds: 129600,
        policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }),
      },
      response: {
        credentials: { accessKeyId: fedKey, sessionToken: rng.mixedAlnum(356), expiration: iamDate(new Date(fedAt.getTime() + 129_600_000)) },
        federatedUser: { federatedUserId: `${acct}:${fedName}`, arn: `arn:aws:sts::${acct}:federated-user/${fedName}` },
        packedPolicySize: 6,
      },
    }),
  );
  const fed: Actor = { identity: federatedUser(backdoor, fedName, fedKey, fedAt), ip: BACKDOOR_IP, userAgent: UA.attackerBoto };
  const call = (t: string, source: string, name: string, request: EventSpec['request'], response?: Json, readOnly?: boolean) =>
    s.emit(apiCall({ time: s.at(t), actor: fed, account: acct, region: G, source, name, request, response, ...(readOnly !== undefined ? { readOnly } : {}) }));
  call('04:14:03', 'sts.amazonaws.com', 'GetCallerIdentity', null);

  // IAM Roles Anywhere: the attacker's certificate authority may now hand out DeployRole.
  const anchorId = rng.uuid();
  const anchorAt = s.at('04:20:12');
  const certificate = pemCertificate(rng);
  const source = { sourceData: { x509CertificateData: certificate }, sourceType: 'CERTIFICATE_BUNDLE' };
  const anchorName = 'backup-pki';
  const anchor = call('04:20:12', 'rolesanywhere.amazonaws.com', 'CreateTrustAnchor', { enabled: true, name: anchorName, source }, {
    trustAnchor: {
      createdAt: nanoTime(anchorAt, rng),
      enabled: true,
      name: anchorName,
      notificationSettings: ['CA_CERTIFICATE_EXPIRY', 'END_ENTITY_CERTIFICATE_EXPIRY'].map((event) => ({ channel: 'ALL', configuredBy: 'rolesanywhere.amazonaws.com', enabled: true, event, threshold: 45 })),
      source,
      trustAnchorArn: `arn:aws:rolesanywhere:${G}:${acct}:trust-anchor/${anchorId}`,
      trustAnchorId: anchorId,
      updatedAt: nanoTime(anchorAt, rng),
    },
  });
  const deployRole = roleNamed(prod, 'DeployRole');
  const profileId = rng.uuid();
  const profileAt = s.at('04:21:40');
  const profileName = 'backup-sync';
  const profile = call('04:21:40', 'rolesanywhere.amazonaws.com', 'CreateProfile', { durationSeconds: 3600, enabled: true, name: profileName, roleArns: [deployRole.arn] }, {
    profile: {
      acceptRoleSessionName: false,
      createdAt: nanoTime(profileAt, rng),
      createdBy: fed.identity.arn ?? '',
      durationSeconds: 3600,
      enabled: true,
      name: profileName,
      profileArn: `arn:aws:rolesanywhere:${G}:${acct}:profile/${profileId}`,
      profileId,
      roleArns: [deployRole.arn],
      updatedAt: nanoTime(profileAt, rng),
    },
  });

  // DNS query logging: the record of every name the instances resolve (and exfiltrate through).
  const configId = `rqlc-${stableHex(`${acct}/${G}/query-log-config`, 16)}`;
  const vpc = `vpc-0${stableHex(`${acct}/${G}/vpc`, 16)}`;
  call('04:28:15', 'route53resolver.amazonaws.com', 'ListResolverQueryLogConfigs', { maxResults: 100 });
  const disassociate = call(
    '04:29:02',
    'route53resolver.amazonaws.com',
    'DisassociateResolverQueryLogConfig',
    { resolverQueryLogConfigId: configId, resourceId: vpc },
    {
      resolverQueryLogConfigAssociation: {
        id: `rqlca-${stableHex(`${acct}/${G}/query-log-association`, 16)}`,
        resolverQueryLogConfigId: configId,
        resourceId: vpc,
        status: 'DELETING',
        error: 'NONE',
        errorMessage: '',
        creationTime: '2026-03-14T09:12:44.120Z',
      },
    },
  );
  const deleteConfig = call('04:29:40', 'route53resolver.amazonaws.com', 'DeleteResolverQueryLogConfig', { originSequenceNumber: 0, resolverQueryLogConfigId: configId }, {
    resolverQueryLogConfig: {
      arn: `arn:aws:route53resolver:${G}:${acct}:resolver-query-log-config/${configId}`,
      associationCount: 0,
      creationTime: '2026-03-14T09:12:40.731Z',
      creatorRequestId: 'terraform-20260314091240311400000001',
      destinationArn: `arn:aws:logs:${G}:${acct}:log-group:/aws/route53/prod-vpc-queries`,
      id: configId,
      name: 'prod-vpc-queries',
      ownerId: acct,
      shareStatus: 'NOT_SHARED',
      status: 'DELETING',
    },
  });

  // Onto the instances, as the federated user.
  const bastion = instanceId(acct, 'bastion-1');
  const web1 = instanceId(acct, 'web-1');
  const web2 = instanceId(acct, 'web-2');
  call('04:33:10', 'ec2.amazonaws.com', 'DescribeInstances', { instancesSet: {}, filterSet: {} });
  const pushKey = echoRequestId(
    call(
      '04:34:22',
      'ec2-instance-connect.amazonaws.com',
      'SendSSHPublicKey',
      { instanceId: bastion, instanceOSUser: 'ec2-user', sSHPublicKey: sshKey(rng, 'backup') },
      { requestId: '', success: true },
    ),
  );
  const enableSerial = echoRequestId(
    call('04:37:05', 'ec2.amazonaws.com', 'EnableSerialConsoleAccess', { EnableSerialConsoleAccessRequest: '' }, {
      EnableSerialConsoleAccessResponse: { requestId: '', serialConsoleAccessEnabled: true, xmlns: EC2_XMLNS },
    }),
  );
  const serialKey = echoRequestId(
    call(
      '04:37:48',
      'ec2-instance-connect.amazonaws.com',
      'SendSerialConsoleSSHPublicKey',
      { instanceId: bastion, monitorMode: false, sSHPublicKey: sshKey(rng, 'backup'), serialPort: 0 },
      { requestId: '', success: true },
    ),
  );
  // User data runs at boot, and can be replaced only while the instance is stopped.
  const instancesSet = { items: [{ instanceId: web2 }] };
  echoRequestId(
    call('04:41:10', 'ec2.amazonaws.com', 'StopInstances', { instancesSet, force: false }, {
      requestId: '',
      instancesSet: { items: [{ instanceId: web2, currentState: { code: 64, name: 'stopping' }, previousState: { code: 16, name: 'running' } }] },
    }),
  );
  const userData = echoRequestId(call('04:43:25', 'ec2.amazonaws.com', 'ModifyInstanceAttribute', { instanceId: web2, userData: '<sensitiveDataRemoved>' }, { requestId: '', _return: true }));
  echoRequestId(
    call('04:43:58', 'ec2.amazonaws.com', 'StartInstances', { instancesSet }, {
      requestId: '',
      instancesSet: { items: [{ instanceId: web2, currentState: { code: 0, name: 'pending' }, previousState: { code: 80, name: 'stopped' } }] },
    }),
  );
  const sessionId = `${fedName}-0${stableHex(`${acct}/session/${fedName}`, 16)}`;
  const shell = call('04:48:30', 'ssm.amazonaws.com', 'StartSession', { target: web1 }, {
    sessionId,
    tokenValue: 'Value hidden due to security reasons.',
    streamUrl: `wss://ssmmessages.${G}.amazonaws.com/v1/data-channel/${sessionId}?role=publish_subscribe&cell-number=AAEAAQAAAAwAAAAA`,
  });

  // What models will the account run? Serverless models answer without anyone switching them on.
  const modelId = 'meta.llama3-1-70b-instruct-v1:0';
  const invocations = ['04:52:02', '04:52:41', '04:53:30', '04:55:12'].map((t) =>
    s.emit(invokeModel({ time: s.at(t), actor: withKey, account: acct, region: G, modelId })),
  );

  const who = `backup-svc, the user the leaked CI key made at 02:12,`;
  return [
    {
      id: 'federation-token-outlives-key',
      runbook: 'iam-persistence',
      params: {},
      findings: ['federation-token'],
      description: `${who} came back from ${BACKDOOR_IP} and asked for a 36-hour federation token (${fedName}) allowing everything: it keeps working after backup-svc's key is deactivated.`,
      eventIDs: ids([federation]),
    },
    {
      id: 'roles-anywhere-trust-anchor',
      runbook: 'iam-persistence',
      params: {},
      findings: ['roles-anywhere'],
      description: `The federated user ${fedName} created the IAM Roles Anywhere trust anchor ${anchorName} for a certificate authority of its own, and the profile ${profileName} handing out DeployRole.`,
      eventIDs: ids([anchor, profile]),
    },
    {
      id: 'dns-query-logging-removed',
      runbook: 'cloudtrail-tampering',
      params: {},
      findings: ['logging-switched-off'],
      description: `The federated user ${fedName} disassociated Route 53 Resolver query logging from ${vpc} and deleted its configuration ${configId}: the production VPC's DNS lookups are no longer recorded.`,
      eventIDs: ids([disassociate, deleteConfig]),
    },
    {
      id: 'ssh-key-pushed-to-bastion',
      runbook: 'instance-remote-access',
      params: {},
      findings: ['ssh-key-pushed'],
      description: `The federated user ${fedName} pushed an SSH key for ec2-user to ${bastion} with EC2 Instance Connect.`,
      eventIDs: ids([pushKey]),
    },
    {
      id: 'serial-console-opened',
      runbook: 'instance-remote-access',
      params: {},
      findings: ['serial-console'],
      description: `The federated user ${fedName} switched the EC2 serial console on for the account and pushed a key to ${bastion}'s serial port.`,
      eventIDs: ids([enableSerial, serialKey]),
    },
    {
      id: 'user-data-replaced',
      runbook: 'instance-remote-access',
      params: {},
      findings: ['user-data-replaced'],
      description: `The federated user ${fedName} stopped ${web2}, replaced its user data and started it again: the new script ran as root at boot.`,
      eventIDs: ids([userData]),
    },
    {
      id: 'session-manager-shell',
      runbook: 'instance-remote-access',
      params: {},
      findings: ['session-started'],
      description: `The federated user ${fedName} opened a Session Manager shell on ${web1}.`,
      eventIDs: ids([shell]),
    },
    {
      id: 'model-invoked-by-backdoor-user',
      runbook: 'bedrock-model-access',
      params: {},
      findings: ['models-invoked-by-unusual-caller'],
      description: `backup-svc's own key invoked ${modelId} ${invocations.length} times: a long-term key that never called Bedrock, trying what the account will run.`,
      eventIDs: ids(invocations),
    },
  ];
}

function devKeySpentStory(s: Story, rng: Random, topo: Topology, dev: AccountCast, ownAccounts: string): PlantedIncident[] {
  const G = topo.globalRegion;
  // A tree asked for in every one of them gets the launches in its second region instead.
  const far = FAR_REGIONS.find((r) => !topo.regions.includes(r)) ?? topo.secondaryRegion;
  const acct = dev.id;
  const ci = user(dev, 'ci-deploy');
  const withKey: Actor = { identity: userWithKey(ci), ip: CI_THIEF_IP, userAgent: UA.attackerBoto };
  s.emit(apiCall({ time: s.at('12:02:11'), actor: withKey, account: acct, region: G, source: 'sts.amazonaws.com', name: 'GetCallerIdentity', request: null }));
  // The key may do one thing, as CI does every hour: assume the deploy role.
  const deployRole = roleNamed(dev, 'DeployRole');
  const assumedAt = s.at('12:02:40');
  const sessionName = `botocore-session-${Math.floor(assumedAt.getTime() / 1000)}`;
  const sessionKey = stableId('ASIA', `${deployRole.arn}/${sessionName}`, 16);
  s.emit(
    assumeRole(rng, {
      time: assumedAt,
      actor: withKey,
      account: acct,
      region: G,
      roleArn: deployRole.arn,
      rolePrincipalId: deployRole.principalId,
      sessionName,
      sessionKey,
    }),
  );
  const thief: Actor = { identity: roleSession(deployRole, sessionName, sessionKey, assumedAt), ip: CI_THIEF_IP, userAgent: UA.attackerBoto };
  const call = (t: string, source: string, name: string, request: EventSpec['request'], response?: Json, region = G) =>
    s.emit(apiCall({ time: s.at(t), actor: thief, account: acct, region, source, name, request, response }));

  // The account is the organization's delegated administrator for policies: the CI key can
  // take off the service control policy that kept it to its own regions.
  const policyId = `p-${stableHex(`${acct}/scp/deny-other-regions`, 8)}`;
  call('12:03:40', 'organizations.amazonaws.com', 'ListPoliciesForTarget', { targetId: acct, filter: 'SERVICE_CONTROL_POLICY' });
  const detach = call('12:04:55', 'organizations.amazonaws.com', 'DetachPolicy', { policyId, targetId: acct });

  // Ten instances, one call at a time, where nobody looks.
  call('12:06:30', 'ec2.amazonaws.com', 'DescribeRegions', { regionSet: {}, allRegions: false });
  const image = 'ami-0b8a3cd4b2d97ce7e';
  const launches: CloudTrailRecord[] = [];
  for (let i = 0; i < 10; i++) {
    const t = s.at(`12:${String(8 + i).padStart(2, '0')}:${String(5 + ((i * 17) % 50)).padStart(2, '0')}`);
    const id = instanceId(acct, `${far}/miner-${i}`);
    launches.push(
      echoRequestId(
        s.emit(
          apiCall({
            time: t,
            actor: thief,
            account: acct,
            region: far,
            source: 'ec2.amazonaws.com',
            name: 'RunInstances',
            request: {
              instancesSet: { items: [{ imageId: image, minCount: 1, maxCount: 1 }] },
              userData: '<sensitiveDataRemoved>',
              instanceType: 'c6i.4xlarge',
              blockDeviceMapping: {},
              monitoring: { enabled: false },
              disableApiTermination: false,
              disableApiStop: false,
              clientToken: rng.uuid(),
            },
            response: {
              requestId: '',
              reservationId: `r-0${stableHex(`${acct}/${far}/reservation-${i}`, 16)}`,
              ownerId: acct,
              groupSet: {},
              instancesSet: {
                items: [
                  {
                    instanceId: id,
                    imageId: image,
                    currentState: { code: 0, name: 'pending' },
                    amiLaunchIndex: 0,
                    productCodes: {},
                    instanceType: 'c6i.4xlarge',
                    launchTime: t.getTime(),
                    placement: { availabilityZone: `${far}a`, tenancy: 'default' },
                    monitoring: { state: 'disabled' },
                    stateReason: { code: 'pending', message: 'pending' },
                    architecture: 'x86_64',
                    rootDeviceType: 'ebs',
                    rootDeviceName: '/dev/sda1',
                  },
                ],
              },
            },
          }),
        ),
      ),
    );
  }

  // The build image, secrets baked in, made public.
  const goldenImage = `ami-0${stableHex(`${acct}/${G}/orders-api-golden`, 16)}`;
  const publicImage = echoRequestId(
    call(
      '12:24:10',
      'ec2.amazonaws.com',
      'ModifyImageAttribute',
      { imageId: goldenImage, launchPermission: { add: { items: [{ group: 'all' }] } }, attributeType: 'launchPermission' },
      { requestId: '', _return: true },
    ),
  );

  // A fresh snapshot of the development database, shared with the attacker's account.
  const snapshot = 'orders-dev-export';
  const snapshotArn = `arn:aws:rds:${G}:${acct}:snapshot:${snapshot}`;
  call('12:31:05', 'rds.amazonaws.com', 'CreateDBSnapshot', { dBSnapshotIdentifier: snapshot, dBInstanceIdentifier: 'orders-dev' }, {
    dBSnapshotIdentifier: snapshot,
    dBInstanceIdentifier: 'orders-dev',
    engine: 'postgres',
    allocatedStorage: 100,
    status: 'creating',
    port: 5432,
    availabilityZone: `${G}b`,
    vpcId: `vpc-0${stableHex(`${acct}/${G}/vpc`, 16)}`,
    masterUsername: 'orders',
    engineVersion: '16.4',
    licenseModel: 'postgresql-license',
    snapshotType: 'manual',
    percentProgress: 0,
    storageType: 'gp3',
    encrypted: false,
    dBSnapshotArn: snapshotArn,
    iAMDatabaseAuthenticationEnabled: false,
    dbiResourceId: `db-${stableId('', `${acct}/rds/orders-dev`, 26)}`,
    tagList: [],
    snapshotTarget: 'region',
  });
  const share = call(
    '12:44:20',
    'rds.amazonaws.com',
    'ModifyDBSnapshotAttribute',
    { dBSnapshotIdentifier: snapshot, attributeName: 'restore', valuesToAdd: [ATTACKER_ACCOUNT] },
    { dBSnapshotIdentifier: snapshot, dBSnapshotAttributes: [{ attributeName: 'restore', attributeValues: [ATTACKER_ACCOUNT] }] },
  );

  return [
    {
      id: 'guardrail-detached',
      runbook: 'organization-changes',
      params: {},
      findings: ['guardrail-removed'],
      description: `The development account's CI key, used from ${CI_THIEF_IP}, assumed DeployRole (session ${sessionName}) and detached the service control policy ${policyId} that kept account ${acct} to its own regions.`,
      eventIDs: ids([detach]),
    },
    {
      id: 'instances-launched-far-away',
      runbook: 'instance-launches',
      params: { own_regions: topo.regions.join(',') },
      findings: topo.regions.includes(far) ? ['launch-burst'] : ['launch-burst', 'launch-outside-own-regions'],
      description: `The same session called RunInstances ${launches.length} times in ${far}, a region nobody works in, between 12:08 and 12:17 UTC: one c6i.4xlarge each, the way miners spread out.`,
      eventIDs: ids(launches),
    },
    {
      id: 'build-image-made-public',
      runbook: 'external-access',
      params: { own_accounts: ownAccounts },
      findings: ['shared-publicly'],
      description: `The same session made the build image ${goldenImage} public: anyone can launch it and read what was baked in.`,
      eventIDs: ids([publicImage]),
    },
    {
      id: 'database-snapshot-shared',
      runbook: 'external-access',
      params: { own_accounts: ownAccounts },
      findings: ['shared-with-other-account'],
      description: `The same session snapshotted the orders-dev database and shared the snapshot ${snapshot} with account ${ATTACKER_ACCOUNT}.`,
      eventIDs: ids([share]),
    },
  ];
}

function instanceCredentialsStory(s: Story, topo: Topology, prod: AccountCast): PlantedIncident[] {
  const G = topo.globalRegion;
  const acct = prod.id;
  const actorAt = (t: Date): Actor => ({ ...instanceActorAt(prod, G, t), ip: METADATA_THIEF_IP, userAgent: UA.attackerCli });
  const call = (t: string, source: string, name: string, request: EventSpec['request']) =>
    s.emit(apiCall({ time: s.at(t), actor: actorAt(s.at(t)), account: acct, region: G, source, name, request }));
  const calls = [
    call('00:41:18', 'sts.amazonaws.com', 'GetCallerIdentity', null),
    call('00:42:02', 's3.amazonaws.com', 'ListBuckets', { Host: 's3.amazonaws.com' }),
    call('00:43:40', 'ssm.amazonaws.com', 'DescribeParameters', { maxResults: 50 }),
  ];
  const decrypt = call('00:44:15', 'ssm.amazonaws.com', 'GetParametersByPath', { path: '/orders/', recursive: true, withDecryption: true });
  calls.push(decrypt, call('00:48:51', 'ec2.amazonaws.com', 'DescribeInstances', { instancesSet: {}, filterSet: {} }));
  const session = calls[0]!.userIdentity.arn;
  return [
    {
      id: 'instance-credentials-used-outside',
      runbook: 'instance-remote-access',
      params: {},
      findings: ['instance-credentials-elsewhere'],
      description: `The web instance's role credentials (${session}), taken through its metadata service, were used from ${METADATA_THIEF_IP} between 00:41 and 00:49 UTC as well as from the instance's own NAT address.`,
      eventIDs: ids(calls),
    },
    {
      id: 'parameters-decrypted-with-stolen-credentials',
      runbook: 'secrets-access',
      params: {},
      findings: ['parameter-tree-decrypted'],
      description: `With them, ${METADATA_THIEF_IP} decrypted every parameter under /orders/.`,
      eventIDs: ids([decrypt]),
    },
  ];
}

/**
 * Plant the foothold stories after the others (they draw on the same random sequence, so
 * the earlier stories keep their event ids). `ownAccounts` is what external-access is run with.
 */
export function plantFootholdIncidents(s: Story, rng: Random, topo: Topology, prod: AccountCast, dev: AccountCast, ownAccounts: string): PlantedIncident[] {
  return [...backdoorReturnsStory(s, rng, topo, prod), ...devKeySpentStory(s, rng, topo, dev, ownAccounts), ...instanceCredentialsStory(s, topo, prod)];
}
