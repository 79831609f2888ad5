/**
 * A local fake of the IAM API for tests: a real HTTP server on a random port speaking the
 * query protocol (form-encoded `Action=...&Version=2010-05-08`, XML answers, XML errors), over
 * real state (iam-state.ts), so a test runs the real `IAMClient` (serialization, retries,
 * error parsing) and reads the state back after each action.
 *
 * ```ts
 * const iam = await FakeIam.start({ users: [{ name: 'alice', accessKeys: [{ id: KEY }] }] });
 * const client = iam.client();                       // a real IAMClient pointed at the fake
 * ...
 * expect(iam.state.accessKey('alice', KEY).status).toBe('Inactive');
 * await iam.close();
 * ```
 *
 * Each account has its own IAM (`stateOf(account)`; `state` is the first account's). A call
 * lands in the account whose credentials signed it: `identifyWith(sts)` lets the fake know
 * the credentials an STS fake handed out for a role in some account; any other credentials
 * are the first account's.
 *
 * On demand: `throttle(action, n)` answers the next n calls with `Throttling`; `fail(action,
 * code)` answers with any error; `simulate.answer(rule)` sets what SimulatePrincipalPolicy says.
 * Processes that cannot be handed a client read `AWS_ENDPOINT_URL_IAM = fake.url`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { IAMClient } from '@aws-sdk/client-iam';
import { decodeQueryParams, queryError, queryResponse, type QueryParams } from './iam-protocol.js';
import { accountStates, ACCOUNT_ID, IamFault, IamState, type IamSeed } from './iam-state.js';

const NAMESPACE = 'https://iam.amazonaws.com/doc/2010-05-08/';

export interface RecordedIamCall {
  action: string;
  /** The account the call landed in. */
  account: string;
  params: QueryParams;
  /** The access key id the request was signed with (SigV4 `Credential=`): whose credentials made the call. */
  accessKeyId?: string;
  /** The error code answered, if any. */
  error?: string;
  /** Whether the call changed the account's IAM (also when it was answered with an error after taking effect). */
  changed: boolean;
}

export type EvalDecision = 'allowed' | 'explicitDeny' | 'implicitDeny';

export interface Position {
  line: number;
  column: number;
}

/** One answer SimulatePrincipalPolicy gives for matching (principal, action, resource). */
export interface SimulationRule {
  /** The PolicySourceArn it answers for; any principal when absent. */
  policySourceArn?: string;
  action?: string;
  resource?: string;
  decision: EvalDecision;
  matchedStatements?: Array<{ sourcePolicyId: string; sourcePolicyType?: string; start?: Position; end?: Position }>;
  /** Condition keys the policies use; those the request does not pass come back as missing. */
  conditionKeys?: string[];
  allowedByOrganizations?: boolean;
  allowedByPermissionsBoundary?: boolean;
}

interface Injected {
  code: string;
  message: string;
  status: number;
  times: number;
  /** The call takes effect, then the error is answered (a 5xx after IAM applied it). */
  afterApplying?: boolean;
  /** Someone else's change, made while this call is answered (before the client retries). */
  meanwhile?: (state: IamState) => void;
}

type Handler = (p: QueryParams) => Record<string, unknown> | undefined;

export class FakeIam {
  readonly calls: RecordedIamCall[] = [];
  private states: Map<string, IamState>;
  /** The account of the call being answered. */
  private current: string;
  private identify: (accessKeyId: string) => string | undefined = () => undefined;
  readonly simulate = new SimulationAnswers();
  private readonly injected = new Map<string, Injected[]>();
  private readonly handlers: Record<string, Handler>;
  /** Items per page of the List* calls (IAM's default is 100); small values exercise pagination. */
  pageSize = 100;

  private readonly server: Server;

  private constructor(seed: IamSeed) {
    this.states = accountStates(seed);
    this.current = this.defaultAccount;
    this.handlers = this.buildHandlers();
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  static async start(seed: IamSeed = {}): Promise<FakeIam> {
    const fake = new FakeIam(seed);
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** A real IAMClient aimed at this fake, with dummy credentials. */
  client(options: { maxAttempts?: number } = {}): IAMClient {
    return new IAMClient({
      region: 'us-east-1',
      endpoint: this.url,
      credentials: { accessKeyId: 'AKIAFAKEFAKEFAKEFAKE', secretAccessKey: 'fake-secret' },
      ...(options.maxAttempts !== undefined ? { maxAttempts: options.maxAttempts } : {}),
    });
  }

  /** The first account's IAM. */
  get state(): IamState {
    return this.states.get(this.defaultAccount)!;
  }

  /** One account's IAM. */
  stateOf(account: string): IamState {
    const state = this.states.get(account);
    if (!state) throw new Error(`the IAM fake has no account ${account} (IamSeed.accounts)`);
    return state;
  }

  /** Calls signed with credentials `sts` handed out land in the account of the role assumed. */
  identifyWith(sts: { accountOf(accessKeyId: string): string | undefined }): void {
    this.identify = (key) => sts.accountOf(key);
  }

  private get defaultAccount(): string {
    return this.states.keys().next().value!;
  }

  /** Replaces the whole state (between tests sharing one server). */
  reset(seed: IamSeed = {}): void {
    this.states = accountStates(seed);
    this.calls.length = 0;
    this.injected.clear();
    this.simulate.clear();
  }

  /** The next `times` calls of `action` are answered with `Throttling` (HTTP 400), as IAM throttles. */
  throttle(action: string, times = 1): void {
    this.inject(action, { code: 'Throttling', message: 'Rate exceeded', status: 400, times });
  }

  /** The next `times` calls of `action` fail with `code` (e.g. AccessDenied, 403). */
  fail(action: string, code: string, message = `${code} (injected by the test)`, status = code === 'AccessDenied' ? 403 : 400, times = 1): void {
    this.inject(action, { code, message, status, times });
  }

  /**
   * The next `times` calls of `action` take effect and are then answered with a 5xx, as a
   * service that failed after applying a change answers: the client retries, and the retry
   * meets the changed state.
   */
  failAfterApplying(action: string, code = 'ServiceFailure', status = 500, times = 1, meanwhile?: (state: IamState) => void): void {
    this.inject(action, { code, message: 'The service failed to process the request (injected by the test)', status, times, afterApplying: true, ...(meanwhile ? { meanwhile } : {}) });
  }

  /** The actions called, in order (state-changing and read calls alike). */
  actions(): string[] {
    return this.calls.map((c) => c.action);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private inject(action: string, fault: Injected): void {
    const list = this.injected.get(action) ?? [];
    list.push(fault);
    this.injected.set(action, list);
  }

  private takeInjected(action: string): Injected | undefined {
    const list = this.injected.get(action);
    const first = list?.[0];
    if (!first) return undefined;
    first.times -= 1;
    if (first.times <= 0) list!.shift();
    return first;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const params = decodeQueryParams(Buffer.concat(chunks).toString('utf8'));
    const action = String(params.Action ?? '');
    const signer = /Credential=([A-Z0-9]+)\//.exec(req.headers.authorization ?? '')?.[1];
    const account = (signer ? this.identify(signer) : undefined) ?? this.defaultAccount;
    const call: RecordedIamCall = { action, account, params, changed: false, ...(signer ? { accessKeyId: signer } : {}) };
    this.calls.push(call);
    const reply = (status: number, body: string) => {
      res.writeHead(status, { 'content-type': 'text/xml' });
      res.end(body);
    };
    try {
      if (req.method !== 'POST' || params.Version !== '2010-05-08') throw new IamFault('InvalidAction', 'Could not find operation for this request.');
      const injected = this.takeInjected(action);
      if (injected && !injected.afterApplying) throw new IamFault(injected.code, injected.message, injected.status);
      const handler = this.handlers[action];
      if (!handler) throw new IamFault('InvalidAction', `The action ${action} is not valid for this web service.`);
      const state = this.states.get(account);
      if (!state) throw new IamFault('AccessDenied', `the IAM fake does not answer for account ${account}`, 403);
      this.current = account;
      const before = state.snapshot();
      let output: Record<string, unknown> | undefined;
      try {
        output = handler(params);
      } finally {
        call.changed = state.snapshot() !== before;
      }
      injected?.meanwhile?.(state);
      if (injected) throw new IamFault(injected.code, injected.message, injected.status, 'Receiver');
      reply(200, queryResponse(action, NAMESPACE, output));
    } catch (e) {
      const fault = e instanceof IamFault ? e : new IamFault('ServiceFailure', (e as Error).message, 500, 'Receiver');
      call.error = fault.code;
      reply(fault.status, queryError(fault.code, fault.message, fault.type));
    }
  }

  private page<T>(items: T[], p: QueryParams): { items: T[]; IsTruncated: boolean; Marker?: string } {
    const start = p.Marker === undefined ? 0 : Number(p.Marker);
    const size = Math.min(this.pageSize, p.MaxItems === undefined ? 100 : Number(p.MaxItems));
    const slice = items.slice(start, start + size);
    const more = start + size < items.length;
    return { items: slice, IsTruncated: more, ...(more ? { Marker: String(start + size) } : {}) };
  }

  private attachedList(arns: Set<string>, p: QueryParams) {
    const page = this.page([...arns].sort(), p);
    return {
      AttachedPolicies: page.items.map((arn) => ({ PolicyName: arn.split('/').pop(), PolicyArn: arn })),
      IsTruncated: page.IsTruncated,
      Marker: page.Marker,
    };
  }

  private buildHandlers(): Record<string, Handler> {
    // Each call acts on the IAM of the account whose credentials signed it.
    const s = () => this.states.get(this.current)!;
    const str = (p: QueryParams, name: string): string => {
      const v = p[name];
      if (typeof v !== 'string' || v === '') throw new IamFault('ValidationError', `1 validation error detected: Value null at '${name}' failed to satisfy constraint: Member must not be null`);
      return v;
    };
    const inlineDoc = (doc: string) => encodeURIComponent(doc);
    const putInline = (map: Map<string, string>, p: QueryParams) => {
      const doc = str(p, 'PolicyDocument');
      try {
        JSON.parse(doc);
      } catch {
        throw new IamFault('MalformedPolicyDocument', 'Syntax errors in policy.');
      }
      map.set(str(p, 'PolicyName'), doc);
      return undefined;
    };
    const detach = (set: Set<string>, p: QueryParams) => {
      const arn = str(p, 'PolicyArn');
      if (!set.delete(arn)) throw IamState.notAttached(arn);
      return undefined;
    };
    const attach = (set: Set<string>, p: QueryParams) => {
      const arn = str(p, 'PolicyArn');
      s().checkAttachable(arn);
      set.add(arn);
      return undefined;
    };

    return {
      ListAccessKeys: (p) => {
        const user = s().user(str(p, 'UserName'));
        const page = this.page(user.accessKeys, p);
        return {
          UserName: user.name,
          AccessKeyMetadata: page.items.map((k) => ({ UserName: user.name, AccessKeyId: k.id, Status: k.status, CreateDate: k.createDate })),
          IsTruncated: page.IsTruncated,
          Marker: page.Marker,
        };
      },
      GetUser: (p) => {
        const user = s().user(str(p, 'UserName'));
        return { User: { Path: '/', UserName: user.name, UserId: user.id, Arn: s().arnOf('user', user.name), CreateDate: user.createDate } };
      },
      UpdateAccessKey: (p) => {
        const status = str(p, 'Status');
        if (status !== 'Active' && status !== 'Inactive') throw new IamFault('ValidationError', `Value '${status}' at 'status' failed to satisfy constraint`);
        s().accessKey(str(p, 'UserName'), str(p, 'AccessKeyId')).status = status;
        return undefined;
      },
      GetLoginProfile: (p) => {
        const user = s().user(str(p, 'UserName'));
        if (!user.loginProfile) throw new IamFault('NoSuchEntity', `The user with name ${user.name} cannot be found.`, 404);
        return { LoginProfile: { UserName: user.name, CreateDate: user.loginProfile.createDate, PasswordResetRequired: user.loginProfile.passwordResetRequired } };
      },
      DeleteLoginProfile: (p) => {
        const user = s().user(str(p, 'UserName'));
        if (!user.loginProfile) throw new IamFault('NoSuchEntity', `Login Profile for User ${user.name} cannot be found.`, 404);
        delete user.loginProfile;
        return undefined;
      },
      GetUserPolicy: (p) => {
        const user = s().user(str(p, 'UserName'));
        const name = str(p, 'PolicyName');
        const doc = user.inlinePolicies.get(name);
        if (doc === undefined) throw IamState.noInlinePolicy('user', user.name, name);
        // IAM returns inline policy documents URL-encoded (RFC 3986).
        return { UserName: user.name, PolicyName: name, PolicyDocument: inlineDoc(doc) };
      },
      PutUserPolicy: (p) => putInline(s().user(str(p, 'UserName')).inlinePolicies, p),
      DeleteUserPolicy: (p) => {
        const user = s().user(str(p, 'UserName'));
        const name = str(p, 'PolicyName');
        if (!user.inlinePolicies.delete(name)) throw IamState.noInlinePolicy('user', user.name, name);
        return undefined;
      },
      ListAttachedUserPolicies: (p) => this.attachedList(s().user(str(p, 'UserName')).attachedPolicies, p),
      AttachUserPolicy: (p) => attach(s().user(str(p, 'UserName')).attachedPolicies, p),
      DetachUserPolicy: (p) => detach(s().user(str(p, 'UserName')).attachedPolicies, p),
      GetRolePolicy: (p) => {
        const role = s().role(str(p, 'RoleName'));
        const name = str(p, 'PolicyName');
        const doc = role.inlinePolicies.get(name);
        if (doc === undefined) throw IamState.noInlinePolicy('role', role.name, name);
        return { RoleName: role.name, PolicyName: name, PolicyDocument: inlineDoc(doc) };
      },
      PutRolePolicy: (p) => putInline(s().role(str(p, 'RoleName')).inlinePolicies, p),
      DeleteRolePolicy: (p) => {
        const role = s().role(str(p, 'RoleName'));
        const name = str(p, 'PolicyName');
        if (!role.inlinePolicies.delete(name)) throw IamState.noInlinePolicy('role', role.name, name);
        return undefined;
      },
      ListAttachedRolePolicies: (p) => this.attachedList(s().role(str(p, 'RoleName')).attachedPolicies, p),
      AttachRolePolicy: (p) => attach(s().role(str(p, 'RoleName')).attachedPolicies, p),
      DetachRolePolicy: (p) => detach(s().role(str(p, 'RoleName')).attachedPolicies, p),
      ListAttachedGroupPolicies: (p) => this.attachedList(s().group(str(p, 'GroupName')).attachedPolicies, p),
      AttachGroupPolicy: (p) => attach(s().group(str(p, 'GroupName')).attachedPolicies, p),
      DetachGroupPolicy: (p) => detach(s().group(str(p, 'GroupName')).attachedPolicies, p),
      ListGroupsForUser: (p) => {
        const page = this.page(s().groupsOf(str(p, 'UserName')), p);
        return {
          Groups: page.items.map((g) => ({ Path: '/', GroupName: g.name, GroupId: g.id, Arn: s().arnOf('group', g.name), CreateDate: g.createDate })),
          IsTruncated: page.IsTruncated,
          Marker: page.Marker,
        };
      },
      AddUserToGroup: (p) => {
        const group = s().group(str(p, 'GroupName'));
        group.members.add(s().user(str(p, 'UserName')).name);
        return undefined;
      },
      RemoveUserFromGroup: (p) => {
        const group = s().group(str(p, 'GroupName'));
        const user = s().user(str(p, 'UserName'));
        if (!group.members.delete(user.name)) throw new IamFault('NoSuchEntity', `The user with name ${user.name} cannot be found in group ${group.name}.`, 404);
        return undefined;
      },
      SimulatePrincipalPolicy: (p) => this.simulatePrincipalPolicy(p),
    };
  }

  private simulatePrincipalPolicy(p: QueryParams): Record<string, unknown> {
    const source = String(p.PolicySourceArn ?? '');
    const entity = /^arn:aws[a-z-]*:iam::(\d{12}):(user|role|group)\/(?:.*\/)?([\w+=,.@-]+)$/.exec(source);
    if (!entity) throw new IamFault('InvalidInput', `Invalid Entity Arn: ${source} does not clearly define entity type and name.`);
    const [, account, kind, name] = entity;
    const state = this.states.get(account!);
    if (!state) throw new IamFault('NoSuchEntity', `The ${kind} with name ${name} cannot be found.`, 404);
    if (kind === 'user') state.user(name!);
    else if (kind === 'role') state.role(name!);
    else state.group(name!);
    if (p.CallerArn !== undefined && !/:user\//.test(String(p.CallerArn))) {
      throw new IamFault('InvalidInput', 'Invalid caller ARN: only IAM users can be simulated callers.');
    }
    const actions = (p.ActionNames as string[] | undefined) ?? [];
    if (actions.length === 0) throw new IamFault('ValidationError', 'ActionNames must not be empty');
    const resources = (p.ResourceArns as string[] | undefined) ?? ['*'];
    const given = new Set(((p.ContextEntries as Array<{ ContextKeyName?: string }> | undefined) ?? []).map((e) => e.ContextKeyName));
    const results = actions.flatMap((action) =>
      resources.map((resource) => {
        const rule = this.simulate.find(source, action, resource);
        const missing = (rule.conditionKeys ?? []).filter((k) => !given.has(k));
        return {
          EvalActionName: action,
          EvalResourceName: resource,
          EvalDecision: rule.decision,
          MatchedStatements: (rule.matchedStatements ?? []).map((m) => ({
            SourcePolicyId: m.sourcePolicyId,
            SourcePolicyType: m.sourcePolicyType ?? 'user',
            StartPosition: m.start ? { Line: m.start.line, Column: m.start.column } : undefined,
            EndPosition: m.end ? { Line: m.end.line, Column: m.end.column } : undefined,
          })),
          MissingContextValues: missing,
          OrganizationsDecisionDetail: rule.allowedByOrganizations === undefined ? undefined : { AllowedByOrganizations: rule.allowedByOrganizations },
          PermissionsBoundaryDecisionDetail:
            rule.allowedByPermissionsBoundary === undefined ? undefined : { AllowedByPermissionsBoundary: rule.allowedByPermissionsBoundary },
        };
      }),
    );
    return { EvaluationResults: results, IsTruncated: false };
  }
}

/** What SimulatePrincipalPolicy answers: the last matching rule, else an implicit deny. */
export class SimulationAnswers {
  private rules: SimulationRule[] = [];

  answer(rule: SimulationRule): void {
    this.rules.push(rule);
  }

  clear(): void {
    this.rules = [];
  }

  find(source: string, action: string, resource: string): SimulationRule {
    for (let i = this.rules.length - 1; i >= 0; i--) {
      const r = this.rules[i]!;
      if ((r.policySourceArn ?? source) === source && (r.action ?? action) === action && (r.resource ?? resource) === resource) return r;
    }
    return { decision: 'implicitDeny' };
  }
}

export { ACCOUNT_ID, IamFault, IamState, type IamSeed };
