/**
 * Who acts in the generated accounts: people, pipelines, workloads, AWS services, a
 * monitoring vendor and (for planted incidents) an attacker. Identifiers are derived
 * from names, so an access key id stays the same whatever the size of a run.
 */
import type { UserIdentity } from './record.js';
import { isoSecond } from './record.js';
import { stableId } from './random.js';

/** The office and VPN ranges: what runbooks call `trusted_cidrs` by default. */
export const OFFICE_CIDR = '203.0.113.0/24';
export const VPN_CIDR = '198.51.100.0/24';
export const TRUSTED_CIDRS = [VPN_CIDR, OFFICE_CIDR];

/** Another company's account that reads our metrics through a role we gave it. */
export const VENDOR_ACCOUNT = '444455556666';
/** The attacker's own AWS account, used in planted incidents only. */
export const ATTACKER_ACCOUNT = '999988887777';

export const DEFAULT_ACCOUNTS = ['123456789012', '210987654321'];
export const DEFAULT_REGIONS = ['us-east-1', 'eu-west-1'];

export const UA = {
  chromeMac:
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36',
  firefoxLinux: 'Mozilla/5.0 (X11; Linux x86_64; rv:131.0) Gecko/20100101 Firefox/131.0',
  edgeWindows:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 Edg/130.0.0.0',
  consoleInternal: 'AWS Internal',
  cliMac: 'aws-cli/2.18.4 Python/3.12.6 Darwin/23.6.0 exe/arm64 prompt/off',
  cliLinux: 'aws-cli/2.18.4 Python/3.12.6 Linux/6.8.0-45-generic exe/x86_64.ubuntu.24 prompt/off',
  javaEcs:
    'aws-sdk-java/2.28.16 Linux/5.10.226-214.879.amzn2.x86_64 OpenJDK_64-Bit_Server_VM/21.0.4+7-LTS Java/21.0.4 vendor/Amazon.com_Inc. exec-env/AWS_ECS_FARGATE io/sync http/Apache cfg/retry-mode/legacy',
  nodeLambda:
    'aws-sdk-js/3.654.0 ua/2.0 os/linux#5.10.227-239.884.amzn2.x86_64 lang/js md/nodejs#20.17.0 exec-env/AWS_Lambda_nodejs20.x',
  terraform:
    'APN/1.0 HashiCorp/1.0 Terraform/1.9.5 (+https://www.terraform.io) terraform-provider-aws/5.70.0 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.31.0 os/linux lang/go#1.23.1 md/GOOS#linux md/GOARCH#amd64',
  ssmAgent: 'amazon-ssm-agent/3.3.987.0',
  vendor: 'vendor-monitor/4.12 aws-sdk-go/1.55.5 (go1.22.7; linux; amd64)',
  athena: 'athena.amazonaws.com',
  attackerCli: 'aws-cli/1.29.62 Python/3.11.6 Linux/6.5.0-kali3-amd64 botocore/1.31.62',
  attackerBoto:
    'Boto3/1.28.62 md/Botocore#1.31.62 ua/2.0 os/linux#6.5.0-kali3-amd64 md/arch#x86_64 lang/python#3.11.6 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.31.62',
} as const;

/** Public addresses of AWS NAT gateways the workloads leave through. */
const NAT_POOL = ['3.215.88.14', '52.70.211.9', '34.248.61.7', '18.202.143.90', '35.171.20.166', '54.166.201.33'];

export interface Person {
  name: string;
  /** Where the person works from: an office or VPN address. */
  ip: string;
  browser: string;
  cli: string;
  /** Uses an IAM user (console password + MFA, access key) rather than SSO. */
  iamUser: boolean;
  /** SSO permission set the person signs in with, when not an IAM user. */
  ssoRole?: string;
}

export interface IamUser {
  name: string;
  arn: string;
  principalId: string;
  accessKeyId: string;
  accountId: string;
}

export interface Role {
  name: string;
  arn: string;
  principalId: string;
  accountId: string;
}

export interface Bucket {
  name: string;
  region: string;
  /** Sensitive buckets are read by analysts in working hours only. */
  sensitive: boolean;
}

export interface AccountCast {
  id: string;
  alias: string;
  /** How busy the account is, relative to production. */
  activity: number;
  people: Person[];
  users: Map<string, IamUser>;
  roles: Map<string, Role>;
  buckets: Bucket[];
  nat: Map<string, string>;
  /** The account's KMS key protecting application data, per region. */
  kmsKey(region: string): string;
}

export interface Topology {
  accounts: AccountCast[];
  regions: string[];
  /** Where IAM, STS and sign-in events are recorded. */
  globalRegion: string;
  /** A second region for regional workloads (the global one when only one is given). */
  secondaryRegion: string;
}

const PEOPLE_BY_ALIAS: Record<string, Person[]> = {
  prod: [
    { name: 'alice', ip: '203.0.113.21', browser: UA.chromeMac, cli: UA.cliMac, iamUser: true },
    { name: 'bob', ip: '203.0.113.34', browser: UA.firefoxLinux, cli: UA.cliLinux, iamUser: true },
    { name: 'carol', ip: '203.0.113.42', browser: UA.edgeWindows, cli: UA.cliMac, iamUser: true },
    { name: 'dave', ip: '198.51.100.61', browser: UA.chromeMac, cli: UA.cliMac, iamUser: false, ssoRole: 'AWSReservedSSO_AdministratorAccess_5f3e1c2a9b7d4e60' },
    { name: 'erin', ip: '198.51.100.73', browser: UA.firefoxLinux, cli: UA.cliLinux, iamUser: false, ssoRole: 'AWSReservedSSO_ReadOnlyAccess_0c8d2b6e4a1f3957' },
  ],
  dev: [
    { name: 'frank', ip: '203.0.113.57', browser: UA.chromeMac, cli: UA.cliMac, iamUser: true },
    { name: 'grace', ip: '198.51.100.88', browser: UA.firefoxLinux, cli: UA.cliLinux, iamUser: false, ssoRole: 'AWSReservedSSO_PowerUserAccess_7a2e9c4b1d0f6835' },
  ],
};

/** The CI runner's address (inside the VPN range). */
export const CI_IP = '198.51.100.24';

export const ROLE_NAMES = {
  deploy: 'DeployRole',
  pipeline: 'DataPipelineRole',
  ecsTask: 'orders-api-task',
  lambda: 'orders-processor-role',
  ec2: 'web-instance-role',
  vendor: 'MonitoringVendorRole',
  config: 'AWSServiceRoleForConfig',
} as const;

export function accountAlias(index: number): string {
  if (index === 0) return 'prod';
  if (index === 1) return 'dev';
  return `workload${index + 1}`;
}

function iamUser(accountId: string, name: string): IamUser {
  return {
    name,
    accountId,
    arn: `arn:aws:iam::${accountId}:user/${name}`,
    principalId: stableId('AIDA', `${accountId}/user/${name}`, 17),
    // Access key ids are 20 characters: AKIA + 16.
    accessKeyId: stableId('AKIA', `${accountId}/key/${name}`, 16),
  };
}

function role(accountId: string, name: string, path = ''): Role {
  const arnPath = path ? `${path}/` : '';
  return {
    name,
    accountId,
    arn: `arn:aws:iam::${accountId}:role/${arnPath}${name}`,
    principalId: stableId('AROA', `${accountId}/role/${name}`, 17),
  };
}

export function buildTopology(accountIds: string[], regions: string[]): Topology {
  if (accountIds.length === 0) throw new Error('at least one account is needed');
  if (regions.length === 0) throw new Error('at least one region is needed');
  const globalRegion = regions.includes('us-east-1') ? 'us-east-1' : (regions[0] as string);
  const secondaryRegion = regions.find((r) => r !== globalRegion) ?? globalRegion;
  const accounts = accountIds.map((id, index): AccountCast => {
    const alias = accountAlias(index);
    const people = PEOPLE_BY_ALIAS[alias] ?? [];
    const users = new Map<string, IamUser>();
    for (const p of people) if (p.iamUser) users.set(p.name, iamUser(id, p.name));
    if (alias === 'prod' || alias === 'dev') users.set('ci-deploy', iamUser(id, 'ci-deploy'));
    // A support login for an outside contractor: rarely used, kept for emergencies.
    if (alias === 'prod') users.set('vendor-support', iamUser(id, 'vendor-support'));
    const roles = new Map<string, Role>();
    for (const name of [ROLE_NAMES.deploy, ROLE_NAMES.pipeline, ROLE_NAMES.ecsTask, ROLE_NAMES.lambda, ROLE_NAMES.ec2, ROLE_NAMES.vendor]) {
      roles.set(name, role(id, name));
    }
    roles.set(ROLE_NAMES.config, role(id, ROLE_NAMES.config, 'aws-service-role/config.amazonaws.com'));
    for (const p of people) {
      if (p.ssoRole) roles.set(p.ssoRole, role(id, p.ssoRole, 'aws-reserved/sso.amazonaws.com'));
    }
    const buckets: Bucket[] =
      alias === 'prod'
        ? [
            { name: 'acme-prod-uploads', region: globalRegion, sensitive: false },
            { name: 'acme-prod-artifacts', region: globalRegion, sensitive: false },
            { name: 'acme-prod-backups', region: globalRegion, sensitive: false },
            { name: 'acme-finance-reports', region: globalRegion, sensitive: true },
            { name: 'acme-customer-pii', region: secondaryRegion, sensitive: true },
            { name: 'acme-prod-eu-uploads', region: secondaryRegion, sensitive: false },
          ]
        : [
            { name: `acme-${alias}-uploads`, region: globalRegion, sensitive: false },
            { name: `acme-${alias}-artifacts`, region: globalRegion, sensitive: false },
            { name: `acme-${alias}-eu-uploads`, region: secondaryRegion, sensitive: false },
          ];
    const nat = new Map<string, string>();
    regions.forEach((r, ri) => nat.set(r, NAT_POOL[(index * regions.length + ri) % NAT_POOL.length] as string));
    return {
      id,
      alias,
      activity: index === 0 ? 1 : index === 1 ? 0.45 : 0.3,
      people,
      users,
      roles,
      buckets,
      nat,
      kmsKey: (region: string) => `arn:aws:kms:${region}:${id}:key/${uuidFrom(`${id}/${region}/kms`)}`,
    };
  });
  return { accounts, regions, globalRegion, secondaryRegion };
}

/** A UUID-shaped id derived from a name (KMS key ids). */
export function uuidFrom(name: string): string {
  const h = stableId('', name, 32).toLowerCase().replace(/[g-z]/g, (c) => 'abcdef'[c.charCodeAt(0) % 6] as string);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

// ---------- userIdentity builders ----------

export function userWithKey(u: IamUser): UserIdentity {
  return { type: 'IAMUser', principalId: u.principalId, arn: u.arn, accountId: u.accountId, accessKeyId: u.accessKeyId, userName: u.name };
}

/** An IAM user acting through the console: a temporary key and an MFA-backed session. */
export function userInConsole(u: IamUser, sessionKey: string, signedInAt: Date, mfa: boolean): UserIdentity {
  return {
    type: 'IAMUser',
    principalId: u.principalId,
    arn: u.arn,
    accountId: u.accountId,
    accessKeyId: sessionKey,
    userName: u.name,
    sessionContext: { attributes: { creationDate: isoSecond(signedInAt), mfaAuthenticated: mfa ? 'true' : 'false' } },
  };
}

export function roleSession(
  r: Role,
  sessionName: string,
  sessionKey: string,
  createdAt: Date,
  opts: { invokedBy?: string; mfa?: boolean } = {},
): UserIdentity {
  return {
    type: 'AssumedRole',
    principalId: `${r.principalId}:${sessionName}`,
    arn: `arn:aws:sts::${r.accountId}:assumed-role/${r.name}/${sessionName}`,
    accountId: r.accountId,
    accessKeyId: sessionKey,
    sessionContext: {
      sessionIssuer: { type: 'Role', principalId: r.principalId, arn: r.arn, accountId: r.accountId, userName: r.name },
      webIdFederationData: {},
      attributes: { creationDate: isoSecond(createdAt), mfaAuthenticated: opts.mfa ? 'true' : 'false' },
    },
    ...(opts.invokedBy ? { invokedBy: opts.invokedBy } : {}),
  };
}

/**
 * A federated user: the session GetFederationToken hands an IAM user, named by the caller.
 * CloudTrail names the user who asked for it as the session's issuer.
 */
export function federatedUser(u: IamUser, name: string, sessionKey: string, createdAt: Date): UserIdentity {
  return {
    type: 'FederatedUser',
    principalId: `${u.accountId}:${name}`,
    arn: `arn:aws:sts::${u.accountId}:federated-user/${name}`,
    accountId: u.accountId,
    accessKeyId: sessionKey,
    sessionContext: {
      sessionIssuer: { type: 'IAMUser', principalId: u.principalId, arn: u.arn, accountId: u.accountId, userName: u.name },
      webIdFederationData: {},
      attributes: { creationDate: isoSecond(createdAt), mfaAuthenticated: 'false' },
    },
  };
}

export function awsService(service: string): UserIdentity {
  return { type: 'AWSService', invokedBy: service };
}

export function rootIdentity(accountId: string, opts: { invokedBy?: string; accessKeyId?: string } = {}): UserIdentity {
  return {
    type: 'Root',
    principalId: accountId,
    arn: `arn:aws:iam::${accountId}:root`,
    accountId,
    ...(opts.accessKeyId ? { accessKeyId: opts.accessKeyId } : {}),
    ...(opts.invokedBy ? { invokedBy: opts.invokedBy } : {}),
  };
}

/** A principal in another account, as the called account's trail records it. */
export function otherAccount(accountId: string, principalId: string): UserIdentity {
  return { type: 'AWSAccount', principalId, accountId };
}
