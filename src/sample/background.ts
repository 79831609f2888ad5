/**
 * Background traffic: what an ordinary day in the accounts looks like. Workloads and AWS
 * services act around the clock; people act in office hours (weekdays 08:00-18:00 UTC)
 * from the office or VPN. Nothing here may trip a runbook: there are no IAM, trail,
 * security-group, bucket-policy or KMS key changes, and the few harmless failures and
 * object deletions are capped per principal per day below every runbook threshold.
 */
import type { AccountCast, Person, Role, Topology } from './cast.js';
import { CI_IP, ROLE_NAMES, UA, VENDOR_ACCOUNT, awsService, roleSession, rootIdentity, userInConsole, userWithKey } from './cast.js';
import type { Actor } from './events.js';
import { apiCall, assumeRole, bucketCall, consoleLogin, kmsKeyResource, objectAccess } from './events.js';
import type { Random } from './random.js';
import { stableHex, stableId } from './random.js';
import type { EventSpec } from './record.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export interface BackgroundContext {
  rng: Random;
  topo: Topology;
  account: AccountCast;
  region: string;
  time: Date;
}

export type Schedule = 'always' | 'office';

export interface Activity {
  name: string;
  /** Relative frequency within its schedule, for a production-sized account. */
  weight: number;
  schedule: Schedule;
  /** At most this many per principal per UTC day (harmless failures, deletions). */
  dailyCap?: number;
  applies(account: AccountCast, region: string, topo: Topology): boolean;
  /** The principal the daily cap counts against. */
  principal?(ctx: BackgroundContext): string;
  make(ctx: BackgroundContext): EventSpec;
}

/** Weekdays 08:00-18:00 UTC. */
export function isOfficeHours(t: Date): boolean {
  const day = t.getUTCDay();
  const h = t.getUTCHours();
  return day >= 1 && day <= 5 && h >= 8 && h < 18;
}

// ---------- sessions (stable per hour or per day, so a session's key repeats) ----------

function hourIndex(t: Date): number {
  return Math.floor(t.getTime() / HOUR);
}

function sessionOf(role: Role, label: string, t: Date, opts: { invokedBy?: string; mfa?: boolean; sessionName?: string } = {}) {
  const h = hourIndex(t);
  const sessionName = opts.sessionName ?? label;
  return roleSession(role, sessionName, stableId('ASIA', `${role.arn}/${label}/${h}`, 16), new Date(h * HOUR), opts);
}

/** The key STS hands the deploy pipeline for the hour (also used by its AssumeRole event). */
export function deploySessionKey(role: Role, t: Date): string {
  return stableId('ASIA', `${role.arn}/deploy/${hourIndex(t)}`, 16);
}

export function deploySessionName(t: Date): string {
  return `ci-deploy-${t.toISOString().slice(0, 13).replace(/[-T]/g, '')}`;
}

function roleOf(account: AccountCast, name: string): Role {
  const r = account.roles.get(name);
  if (!r) throw new Error(`account ${account.id} has no role ${name}`);
  return r;
}

/** A person as they appear in the console today. */
function consoleActor(account: AccountCast, p: Person, t: Date): Actor {
  const day = Math.floor(t.getTime() / DAY);
  const signedIn = new Date(day * DAY + loginMinute(account, p, day) * 60_000);
  if (p.iamUser) {
    const u = account.users.get(p.name);
    if (!u) throw new Error(`no IAM user ${p.name}`);
    return {
      identity: userInConsole(u, stableId('ASIA', `${u.arn}/console/${day}`, 16), signedIn, true),
      ip: p.ip,
      userAgent: p.browser,
      fromConsole: true,
    };
  }
  const r = roleOf(account, p.ssoRole as string);
  return {
    identity: roleSession(r, `${p.name}@acme.example`, stableId('ASIA', `${r.arn}/${p.name}/${day}`, 16), signedIn),
    ip: p.ip,
    userAgent: p.browser,
    fromConsole: true,
  };
}

/** When a person signs in on a given day: 07:30-08:00 UTC, stable per person and day. */
export function loginMinute(account: AccountCast, p: Person, day: number): number {
  const h = parseInt(stableHex(`${account.id}/${p.name}/${day}`, 4), 16);
  return 7 * 60 + 30 + (h % 30);
}

function cliActor(account: AccountCast, p: Person): Actor | null {
  const u = account.users.get(p.name);
  if (!u) return null;
  return { identity: userWithKey(u), ip: p.ip, userAgent: p.cli };
}

// ---------- what people and workloads call ----------

interface Call {
  source: string;
  name: string;
  request?: EventSpec['request'];
  global?: boolean;
}

const CONSOLE_READS: Call[] = [
  { source: 'ec2.amazonaws.com', name: 'DescribeInstances', request: { instancesSet: {}, filterSet: {} } },
  { source: 'ec2.amazonaws.com', name: 'DescribeSecurityGroups', request: { securityGroupSet: {}, securityGroupIdSet: {}, filterSet: {} } },
  { source: 'ec2.amazonaws.com', name: 'DescribeVpcs', request: { vpcSet: {}, filterSet: {} } },
  { source: 'ecs.amazonaws.com', name: 'ListClusters', request: null },
  { source: 'ecs.amazonaws.com', name: 'DescribeServices', request: { cluster: 'orders', services: ['orders-api'] } },
  { source: 'lambda.amazonaws.com', name: 'ListFunctions20150331', request: null },
  { source: 'monitoring.amazonaws.com', name: 'DescribeAlarms', request: { maxRecords: 100 } },
  { source: 'monitoring.amazonaws.com', name: 'GetMetricData', request: { startTime: 'Nov 1, 2026, 8:00:00 AM', endTime: 'Nov 1, 2026, 9:00:00 AM' } },
  { source: 'logs.amazonaws.com', name: 'DescribeLogGroups', request: { limit: 50 } },
  { source: 'rds.amazonaws.com', name: 'DescribeDBInstances', request: null },
  { source: 'cloudformation.amazonaws.com', name: 'DescribeStacks', request: null },
  { source: 's3.amazonaws.com', name: 'ListBuckets', request: { Host: 's3.amazonaws.com' }, global: true },
  { source: 'iam.amazonaws.com', name: 'ListRoles', request: { maxItems: 100 }, global: true },
  { source: 'iam.amazonaws.com', name: 'GetAccountSummary', request: null, global: true },
  { source: 'health.amazonaws.com', name: 'DescribeEventAggregates', request: { aggregateField: 'eventTypeCategory' }, global: true },
];

const CLI_READS: Call[] = [
  { source: 'sts.amazonaws.com', name: 'GetCallerIdentity', request: null, global: true },
  { source: 'ec2.amazonaws.com', name: 'DescribeInstances', request: { instancesSet: {}, filterSet: { items: [{ name: 'tag:app', valueSet: { items: [{ value: 'orders' }] } }] } } },
  { source: 'ecs.amazonaws.com', name: 'DescribeTasks', request: { cluster: 'orders', tasks: ['orders-api'] } },
  { source: 'logs.amazonaws.com', name: 'DescribeLogStreams', request: { logGroupName: '/ecs/orders-api', limit: 20 } },
  { source: 'lambda.amazonaws.com', name: 'GetFunction20150331v2', request: { functionName: 'orders-processor' } },
  { source: 'cloudformation.amazonaws.com', name: 'DescribeStackEvents', request: { stackName: 'orders' } },
  { source: 'ssm.amazonaws.com', name: 'GetParametersByPath', request: { path: '/orders/', recursive: true, withDecryption: false } },
];

const CONFIG_READS: Call[] = [
  { source: 'ec2.amazonaws.com', name: 'DescribeSecurityGroups', request: { securityGroupSet: {}, filterSet: {} } },
  { source: 'ec2.amazonaws.com', name: 'DescribeNetworkAcls', request: { networkAclIdSet: {}, filterSet: {} } },
  { source: 'ec2.amazonaws.com', name: 'DescribeInstances', request: { instancesSet: {}, filterSet: {} } },
  { source: 'ec2.amazonaws.com', name: 'DescribeVolumes', request: { volumeSet: {}, filterSet: {} } },
  { source: 'iam.amazonaws.com', name: 'GetRole', request: { roleName: 'orders-api-task' }, global: true },
  { source: 'iam.amazonaws.com', name: 'ListAttachedRolePolicies', request: { roleName: 'DeployRole' }, global: true },
  { source: 'lambda.amazonaws.com', name: 'GetPolicy20150331v2', request: { functionName: 'orders-processor' } },
];

const VENDOR_READS: Call[] = [
  { source: 'monitoring.amazonaws.com', name: 'GetMetricData', request: null },
  { source: 'monitoring.amazonaws.com', name: 'ListMetrics', request: { namespace: 'AWS/ECS' } },
  { source: 'ec2.amazonaws.com', name: 'DescribeInstances', request: { instancesSet: {}, filterSet: {} } },
  { source: 'rds.amazonaws.com', name: 'DescribeDBInstances', request: null },
  { source: 'elasticloadbalancing.amazonaws.com', name: 'DescribeLoadBalancers', request: null },
  { source: 'tagging.amazonaws.com', name: 'GetResources', request: { resourcesPerPage: 100 } },
  { source: 'lambda.amazonaws.com', name: 'ListFunctions20150331', request: null },
];

/** A call recorded in the context's region; global calls are only picked in the global region. */
function callIn(ctx: BackgroundContext, actor: Actor, call: Call): EventSpec {
  return apiCall({
    time: ctx.time,
    actor,
    account: ctx.account.id,
    region: ctx.region,
    source: call.source,
    name: call.name,
    request: call.request,
  });
}

function pickCall(ctx: BackgroundContext, calls: Call[]): Call {
  const isGlobal = ctx.region === ctx.topo.globalRegion;
  const usable = calls.filter((c) => !c.global || isGlobal);
  return ctx.rng.pick(usable);
}

const anyRegion = () => true;

function objectKey(rng: Random, prefix: string, ext: string): string {
  return `${prefix}/2026/11/${rng.hex(8)}-${rng.hex(4)}.${ext}`;
}

function bucketFor(ctx: BackgroundContext, pred: (name: string) => boolean) {
  return ctx.account.buckets.find((b) => b.region === ctx.region && pred(b.name));
}

function workloadActor(ctx: BackgroundContext, roleName: string, label: string, userAgent: string, sessionName?: string): Actor {
  const role = roleOf(ctx.account, roleName);
  return {
    identity: sessionOf(role, label, ctx.time, { sessionName }),
    ip: ctx.account.nat.get(ctx.region) as string,
    userAgent,
  };
}

function ecsActor(ctx: BackgroundContext): Actor {
  // Fargate task ids rotate as tasks are replaced: one id per hour is close enough.
  const task = stableHex(`${ctx.account.id}/${ctx.region}/task/${hourIndex(ctx.time)}`, 32);
  return workloadActor(ctx, ROLE_NAMES.ecsTask, `task-${ctx.region}`, UA.javaEcs, task);
}

function lambdaActor(ctx: BackgroundContext): Actor {
  return workloadActor(ctx, ROLE_NAMES.lambda, `lambda-${ctx.region}`, UA.nodeLambda, 'orders-processor');
}

function instanceActor(ctx: BackgroundContext): Actor {
  return instanceActorAt(ctx.account, ctx.region, ctx.time);
}

/**
 * The account's web instance in a region, calling with its instance role's credentials as
 * they are at `time` (the session is named after the instance; its key changes every hour).
 * A planted story uses the same credentials from somewhere else.
 */
export function instanceActorAt(account: AccountCast, region: string, time: Date): Actor {
  const instance = `i-0${stableHex(`${account.id}/${region}/instance`, 16)}`;
  return {
    identity: sessionOf(roleOf(account, ROLE_NAMES.ec2), `ec2-${region}`, time, { sessionName: instance }),
    ip: account.nat.get(region) as string,
    userAgent: UA.ssmAgent,
  };
}

function hasUploadsBucket(a: AccountCast, region: string): boolean {
  return a.buckets.some((b) => b.region === region && b.name.endsWith('uploads'));
}

export const ACTIVITIES: Activity[] = [
  // ----- workloads, around the clock -----
  {
    name: 'app reads uploads',
    weight: 18,
    schedule: 'always',
    applies: hasUploadsBucket,
    make: (ctx) => {
      const bucket = bucketFor(ctx, (n) => n.endsWith('uploads'))!;
      return objectAccess(ctx.rng, { time: ctx.time, actor: ecsActor(ctx), account: ctx.account.id, bucket, key: objectKey(ctx.rng, 'incoming', 'json'), name: 'GetObject', bytes: ctx.rng.int(800, 90_000) });
    },
  },
  {
    name: 'app writes uploads',
    weight: 8,
    schedule: 'always',
    applies: hasUploadsBucket,
    make: (ctx) => {
      const bucket = bucketFor(ctx, (n) => n.endsWith('uploads'))!;
      return objectAccess(ctx.rng, { time: ctx.time, actor: ecsActor(ctx), account: ctx.account.id, bucket, key: objectKey(ctx.rng, 'incoming', 'json'), name: 'PutObject', bytes: ctx.rng.int(800, 90_000) });
    },
  },
  {
    name: 'app clears a temporary upload',
    weight: 0.6,
    schedule: 'always',
    dailyCap: 4,
    applies: hasUploadsBucket,
    principal: (ctx) => `${ctx.account.id}/${ROLE_NAMES.ecsTask}`,
    make: (ctx) => {
      const bucket = bucketFor(ctx, (n) => n.endsWith('uploads'))!;
      return objectAccess(ctx.rng, { time: ctx.time, actor: ecsActor(ctx), account: ctx.account.id, bucket, key: objectKey(ctx.rng, 'tmp', 'part'), name: 'DeleteObject' });
    },
  },
  {
    name: 'app decrypts with its key',
    weight: 10,
    schedule: 'always',
    applies: anyRegion,
    make: (ctx) => {
      const key = ctx.account.kmsKey(ctx.region);
      const decrypt = ctx.rng.chance(0.7);
      return apiCall({
        time: ctx.time,
        actor: ctx.rng.chance(0.7) ? ecsActor(ctx) : lambdaActor(ctx),
        account: ctx.account.id,
        region: ctx.region,
        source: 'kms.amazonaws.com',
        name: decrypt ? 'Decrypt' : 'GenerateDataKey',
        request: decrypt
          ? { encryptionAlgorithm: 'SYMMETRIC_DEFAULT', encryptionContext: { app: 'orders' } }
          : { keyId: key, keySpec: 'AES_256', encryptionContext: { app: 'orders' } },
        resources: kmsKeyResource(ctx.account.id, key),
      });
    },
  },
  {
    name: 'app reads its configuration',
    weight: 6,
    schedule: 'always',
    applies: anyRegion,
    make: (ctx) => {
      const secret = ctx.rng.chance(0.4);
      return apiCall({
        time: ctx.time,
        actor: ecsActor(ctx),
        account: ctx.account.id,
        region: ctx.region,
        source: secret ? 'secretsmanager.amazonaws.com' : 'ssm.amazonaws.com',
        name: secret ? 'GetSecretValue' : 'GetParameter',
        request: secret ? { secretId: `${ctx.account.alias}/orders/db` } : { name: '/orders/config/feature-flags', withDecryption: true },
      });
    },
  },
  {
    name: 'function writes processed orders',
    weight: 7,
    schedule: 'always',
    applies: hasUploadsBucket,
    make: (ctx) => {
      const bucket = bucketFor(ctx, (n) => n.endsWith('uploads'))!;
      return objectAccess(ctx.rng, { time: ctx.time, actor: lambdaActor(ctx), account: ctx.account.id, bucket, key: objectKey(ctx.rng, 'processed', 'json'), name: 'PutObject', bytes: ctx.rng.int(400, 20_000) });
    },
  },
  {
    name: 'instance agent checks in',
    weight: 7,
    schedule: 'always',
    applies: anyRegion,
    make: (ctx) => {
      const actor = instanceActor(ctx);
      const update = ctx.rng.chance(0.65);
      return apiCall({
        time: ctx.time,
        actor,
        account: ctx.account.id,
        region: ctx.region,
        source: 'ssm.amazonaws.com',
        name: update ? 'UpdateInstanceInformation' : 'ListInstanceAssociations',
        request: update
          ? { instanceId: (actor.identity.principalId ?? '').split(':')[1] ?? '', agentVersion: '3.3.987.0', agentStatus: 'Active', platformType: 'Linux', platformName: 'Amazon Linux', platformVersion: '2023' }
          : { instanceId: (actor.identity.principalId ?? '').split(':')[1] ?? '', maxResults: 20 },
      });
    },
  },
  {
    name: 'AWS Config records resources',
    weight: 7,
    schedule: 'always',
    applies: anyRegion,
    make: (ctx) => {
      const role = roleOf(ctx.account, ROLE_NAMES.config);
      const actor: Actor = {
        identity: sessionOf(role, 'AWSConfig-Describe', ctx.time, { invokedBy: 'config.amazonaws.com' }),
        ip: 'config.amazonaws.com',
        userAgent: 'config.amazonaws.com',
      };
      if (ctx.rng.chance(0.2)) {
        const buckets = ctx.account.buckets.filter((b) => b.region === ctx.region);
        const bucket = buckets.length > 0 ? ctx.rng.pick(buckets) : ctx.rng.pick(ctx.account.buckets);
        return bucketCall({ time: ctx.time, actor, account: ctx.account.id, region: ctx.region, name: ctx.rng.pick(['GetBucketAcl', 'GetBucketPolicy', 'GetBucketPublicAccessBlock', 'GetBucketVersioning']), bucket });
      }
      return callIn(ctx, actor, pickCall(ctx, CONFIG_READS));
    },
  },
  {
    name: 'monitoring vendor polls metrics',
    weight: 6,
    schedule: 'always',
    applies: (a) => a.alias === 'prod',
    make: (ctx) => {
      const role = roleOf(ctx.account, ROLE_NAMES.vendor);
      const actor: Actor = { identity: sessionOf(role, 'vendor-monitor', ctx.time), ip: '44.199.18.73', userAgent: UA.vendor };
      return callIn(ctx, actor, ctx.rng.pick(VENDOR_READS));
    },
  },
  {
    name: 'AWS services assume workload roles',
    weight: 2,
    schedule: 'always',
    applies: anyRegion,
    make: (ctx) => {
      const lambda = ctx.rng.chance(0.5);
      const role = roleOf(ctx.account, lambda ? ROLE_NAMES.lambda : ROLE_NAMES.ecsTask);
      const service = lambda ? 'lambda.amazonaws.com' : 'ecs-tasks.amazonaws.com';
      const sessionName = lambda ? 'orders-processor' : stableHex(`${ctx.account.id}/${ctx.region}/task/${hourIndex(ctx.time)}`, 32);
      return assumeRole(ctx.rng, {
        time: ctx.time,
        actor: { identity: awsService(service), ip: service, userAgent: service },
        account: ctx.account.id,
        region: ctx.region,
        roleArn: role.arn,
        rolePrincipalId: role.principalId,
        sessionName,
        sessionKey: stableId('ASIA', `${role.arn}/${lambda ? 'lambda' : 'task'}-${ctx.region}/${hourIndex(ctx.time)}`, 16),
      });
    },
  },
  {
    name: 'KMS grants for encrypted volumes',
    weight: 0.3,
    schedule: 'always',
    applies: anyRegion,
    make: (ctx) => {
      const key = ctx.account.kmsKey(ctx.region);
      const role = roleOf(ctx.account, ROLE_NAMES.ec2);
      return apiCall({
        time: ctx.time,
        actor: { identity: sessionOf(role, `ec2-${ctx.region}`, ctx.time, { invokedBy: 'ec2.amazonaws.com' }), ip: 'ec2.amazonaws.com', userAgent: 'ec2.amazonaws.com' },
        account: ctx.account.id,
        region: ctx.region,
        source: 'kms.amazonaws.com',
        name: 'CreateGrant',
        request: {
          keyId: key,
          granteePrincipal: `ec2.${ctx.region}.amazonaws.com`,
          constraints: { encryptionContextSubset: { 'aws:ebs:id': `vol-0${stableHex(`${ctx.time.getTime()}`, 16)}` } },
          operations: ['Decrypt'],
          retiringPrincipal: `ec2.${ctx.region}.amazonaws.com`,
        },
        response: { grantId: ctx.rng.hex(64), keyId: key },
        resources: kmsKeyResource(ctx.account.id, key),
      });
    },
  },

  // ----- the deploy pipeline (Terraform through DeployRole), office hours -----
  {
    name: 'pipeline plans a deploy',
    weight: 5,
    schedule: 'office',
    applies: (a) => a.alias === 'prod' || a.alias === 'dev',
    make: (ctx) => {
      const role = roleOf(ctx.account, ROLE_NAMES.deploy);
      const actor: Actor = {
        identity: roleSession(role, deploySessionName(ctx.time), deploySessionKey(role, ctx.time), new Date(hourIndex(ctx.time) * HOUR)),
        ip: CI_IP,
        userAgent: UA.terraform,
      };
      const reads: Call[] = [
        { source: 'ec2.amazonaws.com', name: 'DescribeVpcs', request: { vpcSet: {}, filterSet: {} } },
        { source: 'ec2.amazonaws.com', name: 'DescribeSubnets', request: { subnetSet: {}, filterSet: {} } },
        { source: 'ec2.amazonaws.com', name: 'DescribeSecurityGroups', request: { securityGroupSet: {}, filterSet: {} } },
        { source: 'iam.amazonaws.com', name: 'GetRole', request: { roleName: 'orders-api-task' }, global: true },
        { source: 'iam.amazonaws.com', name: 'GetPolicy', request: { policyArn: `arn:aws:iam::${ctx.account.id}:policy/orders-api` }, global: true },
        { source: 'lambda.amazonaws.com', name: 'GetFunction20150331v2', request: { functionName: 'orders-processor' } },
        { source: 'ecs.amazonaws.com', name: 'DescribeServices', request: { cluster: 'orders', services: ['orders-api'] } },
        { source: 'ecs.amazonaws.com', name: 'DescribeTaskDefinition', request: { taskDefinition: 'orders-api' } },
      ];
      return callIn(ctx, actor, pickCall(ctx, reads));
    },
  },
  {
    name: 'pipeline applies a deploy',
    weight: 1,
    schedule: 'office',
    applies: (a) => a.alias === 'prod' || a.alias === 'dev',
    make: (ctx) => {
      const role = roleOf(ctx.account, ROLE_NAMES.deploy);
      const actor: Actor = {
        identity: roleSession(role, deploySessionName(ctx.time), deploySessionKey(role, ctx.time), new Date(hourIndex(ctx.time) * HOUR)),
        ip: CI_IP,
        userAgent: UA.terraform,
      };
      const sha = ctx.rng.hex(40);
      const writes: Call[] = [
        { source: 'ecs.amazonaws.com', name: 'RegisterTaskDefinition', request: { family: 'orders-api', containerDefinitions: [{ name: 'orders-api', image: `${ctx.account.id}.dkr.ecr.${ctx.region}.amazonaws.com/orders-api:${sha.slice(0, 12)}` }] } },
        { source: 'ecs.amazonaws.com', name: 'UpdateService', request: { cluster: 'orders', service: 'orders-api', taskDefinition: 'orders-api', forceNewDeployment: false } },
        { source: 'lambda.amazonaws.com', name: 'UpdateFunctionCode20150331v2', request: { functionName: 'orders-processor', s3Bucket: `acme-${ctx.account.alias}-artifacts`, s3Key: `lambda/orders-processor/${sha}.zip`, publish: true } },
        { source: 'ec2.amazonaws.com', name: 'CreateTags', request: { resourcesSet: { items: [{ resourceId: `sg-0${stableHex(`${ctx.account.id}/sg/web`, 16)}` }] }, tagSet: { items: [{ key: 'deployed-by', value: 'terraform' }, { key: 'revision', value: sha.slice(0, 12) }] } } },
      ];
      return callIn(ctx, actor, ctx.rng.pick(writes));
    },
  },
  {
    name: 'pipeline removes a stale tag',
    weight: 0.2,
    schedule: 'office',
    dailyCap: 3,
    applies: (a) => a.alias === 'prod' || a.alias === 'dev',
    principal: (ctx) => `${ctx.account.id}/${ROLE_NAMES.deploy}`,
    make: (ctx) => {
      const role = roleOf(ctx.account, ROLE_NAMES.deploy);
      const actor: Actor = {
        identity: roleSession(role, deploySessionName(ctx.time), deploySessionKey(role, ctx.time), new Date(hourIndex(ctx.time) * HOUR)),
        ip: CI_IP,
        userAgent: UA.terraform,
      };
      return callIn(ctx, actor, {
        source: 'ec2.amazonaws.com',
        name: 'DeleteTags',
        request: { resourcesSet: { items: [{ resourceId: `sg-0${stableHex(`${ctx.account.id}/sg/web`, 16)}` }] }, tagSet: { items: [{ key: 'revision' }] } },
      });
    },
  },

  // ----- people, office hours -----
  {
    name: 'person browses the console',
    weight: 9,
    schedule: 'office',
    applies: (a) => a.people.length > 0,
    make: (ctx) => {
      const p = ctx.rng.pick(ctx.account.people);
      return callIn(ctx, consoleActor(ctx.account, p, ctx.time), pickCall(ctx, CONSOLE_READS));
    },
  },
  {
    name: 'person uses the CLI',
    weight: 5,
    schedule: 'office',
    applies: (a) => a.people.some((p) => p.iamUser),
    make: (ctx) => {
      const p = ctx.rng.pick(ctx.account.people.filter((x) => x.iamUser));
      return callIn(ctx, cliActor(ctx.account, p) as Actor, pickCall(ctx, CLI_READS));
    },
  },
  {
    name: 'person changes something ordinary',
    weight: 0.8,
    schedule: 'office',
    applies: (a) => a.people.length > 0,
    make: (ctx) => {
      const p = ctx.rng.pick(ctx.account.people);
      const writes: Call[] = [
        { source: 'ssm.amazonaws.com', name: 'PutParameter', request: { name: '/orders/config/feature-flags', type: 'String', overwrite: true } },
        { source: 'ec2.amazonaws.com', name: 'CreateTags', request: { resourcesSet: { items: [{ resourceId: `i-0${stableHex(`${ctx.account.id}/${ctx.region}/instance`, 16)}` }] }, tagSet: { items: [{ key: 'owner', value: p.name }] } } },
        { source: 'monitoring.amazonaws.com', name: 'PutDashboard', request: { dashboardName: 'orders-overview' } },
        { source: 'logs.amazonaws.com', name: 'StartQuery', request: { logGroupName: '/ecs/orders-api', queryString: 'fields @timestamp, @message | filter level = "ERROR"' } },
      ];
      return callIn(ctx, consoleActor(ctx.account, p, ctx.time), ctx.rng.pick(writes));
    },
  },
  {
    name: 'analyst reads finance data',
    weight: 3,
    schedule: 'office',
    applies: (a, region) => a.buckets.some((b) => b.sensitive && b.region === region) && a.users.has('carol'),
    make: (ctx) => {
      const carol = ctx.account.people.find((p) => p.name === 'carol') as Person;
      const bucket = ctx.rng.pick(ctx.account.buckets.filter((b) => b.sensitive && b.region === ctx.region));
      return objectAccess(ctx.rng, {
        time: ctx.time,
        actor: cliActor(ctx.account, carol) as Actor,
        account: ctx.account.id,
        bucket,
        key: bucket.name === 'acme-finance-reports' ? `reports/2026/10/${ctx.rng.pick(['revenue', 'payables', 'receivables', 'payroll-summary'])}-${ctx.rng.int(1, 31)}.csv` : `exports/customers-${ctx.rng.int(1, 12)}.parquet`,
        name: 'GetObject',
        bytes: ctx.rng.int(20_000, 4_000_000),
      });
    },
  },
  {
    name: 'analyst runs a query',
    weight: 2,
    schedule: 'office',
    applies: (a, region, topo) => region === topo.globalRegion && a.users.has('carol'),
    make: (ctx) => {
      const carol = ctx.account.people.find((p) => p.name === 'carol') as Person;
      const name = ctx.rng.pick(['StartQueryExecution', 'GetQueryExecution', 'GetQueryResults']);
      return callIn(ctx, cliActor(ctx.account, carol) as Actor, {
        source: 'athena.amazonaws.com',
        name,
        request: name === 'StartQueryExecution' ? { queryString: 'SELECT region, sum(amount) FROM orders GROUP BY region', workGroup: 'analysts' } : { queryExecutionId: ctx.rng.uuid() },
      });
    },
  },
  {
    name: 'a person is refused something (harmless)',
    weight: 0.25,
    schedule: 'office',
    // One a day per account at most: far below any threshold, for any single person.
    dailyCap: 1,
    applies: (a) => a.people.some((p) => p.iamUser),
    principal: (ctx) => `${ctx.account.id}/people-denials`,
    make: (ctx) => {
      const p = ctx.rng.pick(ctx.account.people.filter((x) => x.iamUser));
      const u = ctx.account.users.get(p.name)!;
      const denied = pickCall(ctx, [
        { source: 'iam.amazonaws.com', name: 'ListUsers', request: null, global: true },
        { source: 'organizations.amazonaws.com', name: 'DescribeOrganization', request: null, global: true },
        { source: 'ce.amazonaws.com', name: 'GetCostAndUsage', request: null },
        { source: 'secretsmanager.amazonaws.com', name: 'ListSecrets', request: null },
      ]);
      const spec = callIn(ctx, cliActor(ctx.account, p) as Actor, denied);
      const action = `${denied.source.split('.')[0]}:${denied.name}`;
      return { ...spec, readOnly: true, error: { code: 'AccessDenied', message: `User: ${u.arn} is not authorized to perform: ${action} because no identity-based policy allows the ${action} action` } };
    },
  },
];

/** Events that happen at set times rather than at random: sign-ins, daily jobs, pipeline role assumptions. */
export function scheduledEvents(rng: Random, topo: Topology, account: AccountCast, region: string, start: Date, end: Date): EventSpec[] {
  const out: EventSpec[] = [];
  const isGlobal = region === topo.globalRegion;
  const firstDay = Math.floor(start.getTime() / DAY);
  const lastDay = Math.floor((end.getTime() - 1) / DAY);
  const within = (t: Date) => t >= start && t < end;
  for (let day = firstDay; day <= lastDay; day++) {
    const dayStart = day * DAY;
    const weekday = new Date(dayStart).getUTCDay();
    const workday = weekday >= 1 && weekday <= 5;
    if (isGlobal && workday) {
      // Everyone signs in once in the morning; IAM users with MFA, SSO users through the portal.
      for (const p of account.people) {
        const t = new Date(dayStart + loginMinute(account, p, day) * 60_000 + rng.int(0, 59) * 1000);
        if (!within(t)) continue;
        if (p.iamUser) {
          const u = account.users.get(p.name)!;
          out.push(consoleLogin({ time: t, identity: { type: 'IAMUser', principalId: u.principalId, arn: u.arn, accountId: account.id, userName: u.name }, account: account.id, region: topo.globalRegion, ip: p.ip, userAgent: p.browser, mfaUsed: true, success: true }));
        } else {
          const r = roleOf(account, p.ssoRole as string);
          const identity = roleSession(r, `${p.name}@acme.example`, stableId('ASIA', `${r.arn}/${p.name}/${day}`, 16), t);
          // Single sign-on: MFA happened at the identity provider, so CloudTrail says "No".
          out.push(consoleLogin({ time: t, identity, account: account.id, region: topo.globalRegion, ip: p.ip, userAgent: p.browser, mfaUsed: false, success: true }));
        }
      }
    }
    if (isGlobal && workday && account.users.has('ci-deploy')) {
      // The pipeline assumes DeployRole at the start of every office hour.
      const ci = account.users.get('ci-deploy')!;
      const role = roleOf(account, ROLE_NAMES.deploy);
      for (let h = 8; h < 18; h++) {
        const t = new Date(dayStart + h * HOUR + rng.int(5, 240) * 1000);
        if (!within(t)) continue;
        const actor: Actor = { identity: userWithKey(ci), ip: CI_IP, userAgent: UA.terraform };
        out.push(apiCall({ time: t, actor, account: account.id, region: topo.globalRegion, source: 'sts.amazonaws.com', name: 'GetCallerIdentity', request: null }));
        out.push(
          assumeRole(rng, {
            time: new Date(t.getTime() + 2000),
            actor,
            account: account.id,
            region: topo.globalRegion,
            roleArn: role.arn,
            rolePrincipalId: role.principalId,
            sessionName: deploySessionName(t),
            sessionKey: deploySessionKey(role, t),
          }),
        );
      }
    }
    if (isGlobal && account.roles.has(ROLE_NAMES.vendor) && account.alias === 'prod') {
      // The vendor assumes its role hourly from its own account, with the agreed external id.
      const role = roleOf(account, ROLE_NAMES.vendor);
      for (let h = 0; h < 24; h++) {
        const t = new Date(dayStart + h * HOUR + rng.int(1, 120) * 1000);
        if (!within(t)) continue;
        out.push(
          assumeRole(rng, {
            time: t,
            actor: { identity: { type: 'AWSAccount', principalId: 'AIDAVENDORINTEGRATI0N', accountId: VENDOR_ACCOUNT }, ip: '44.199.18.73', userAgent: UA.vendor },
            account: account.id,
            region: topo.globalRegion,
            roleArn: role.arn,
            rolePrincipalId: role.principalId,
            sessionName: 'vendor-monitor',
            sessionKey: stableId('ASIA', `${role.arn}/vendor-monitor/${day * 24 + h}`, 16),
            externalId: 'acme-7f3c9d21',
            sharedEventID: rng.uuid(),
          }),
        );
      }
    }
    if (isGlobal) {
      // AWS Backup reports the nightly job; a service event, not a person.
      const t = new Date(dayStart + 3 * HOUR + rng.int(0, 1800) * 1000);
      if (within(t)) {
        out.push({
          time: t,
          identity: { accountId: account.id, invokedBy: 'backup.amazonaws.com' },
          source: 'backup.amazonaws.com',
          name: 'BackupJobCompleted',
          region,
          account: account.id,
          ip: 'backup.amazonaws.com',
          userAgent: 'backup.amazonaws.com',
          readOnly: false,
          request: null,
          response: null,
          serviceEventDetails: { backupJobId: rng.uuid().toUpperCase(), backupVaultName: 'nightly', resourceType: 'RDS', state: 'COMPLETED' },
          eventType: 'AwsServiceEvent',
          host: null,
        });
      }
    }
    if (isGlobal && account.alias === 'prod') {
      // Trusted Advisor refreshes its checks with the account's root identity, through the
      // service: the reason root-usage alarms exclude invokedBy and service events.
      const t = new Date(dayStart + 6 * HOUR + rng.int(0, 3000) * 1000);
      if (within(t)) {
        out.push(
          apiCall({
            time: t,
            actor: { identity: rootIdentity(account.id, { invokedBy: 'support.amazonaws.com' }), ip: 'support.amazonaws.com', userAgent: 'support.amazonaws.com' },
            account: account.id,
            region: topo.globalRegion,
            source: 'support.amazonaws.com',
            name: 'DescribeTrustedAdvisorChecks',
            request: { language: 'en' },
          }),
        );
      }
    }
    if (day === firstDay + 1) {
      // Yearly automatic key rotation happens to fall on the second day.
      const t = new Date(dayStart + 4 * HOUR + rng.int(0, 3000) * 1000);
      if (within(t)) {
        const key = account.kmsKey(region);
        out.push({
          time: t,
          identity: { accountId: account.id, invokedBy: 'kms.amazonaws.com' },
          source: 'kms.amazonaws.com',
          name: 'RotateKey',
          region,
          account: account.id,
          ip: 'kms.amazonaws.com',
          userAgent: 'kms.amazonaws.com',
          readOnly: false,
          request: null,
          response: null,
          serviceEventDetails: { keyId: key.slice(key.lastIndexOf('/') + 1) },
          resources: kmsKeyResource(account.id, key),
          eventType: 'AwsServiceEvent',
          host: null,
        });
      }
    }
  }
  return out.sort((a, b) => a.time.getTime() - b.time.getTime());
}
