/**
 * A local fake of AWS STS for tests (the query protocol: form-encoded `Action=AssumeRole&…`,
 * XML answers). It checks AssumeRole as a role's trust policy and STS would: a role ARN, a
 * session name of 2–64 allowed characters, the external id the role requires, and a
 * duration within bounds; it hands out fresh `ASIA…` credentials (which the other fakes then
 * see in the Authorization header of the calls made with them) and records every call.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { startFakeHttpServer, type FakeHttpReply, type FakeHttpRequest, type FakeHttpServer } from './http.js';

export interface FakeRole {
  /** The external id its trust policy requires (`sts:ExternalId`); none when undefined. */
  externalId?: string;
}

export interface AssumeRoleCall {
  params: Record<string, string>;
  /** The identity that asked. */
  accessKeyId?: string;
  outcome: 'ok' | string;
  /** The credentials handed out, for ok calls. */
  issued?: { accessKeyId: string; expiration: Date };
  receivedAt: number;
}

const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;
const NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';

export class FakeSts {
  readonly calls: AssumeRoleCall[] = [];
  /** Lifetime of issued credentials, overriding DurationSeconds (tests of renewal). */
  lifetimeMs?: number;

  private constructor(
    private readonly roles: Record<string, FakeRole>,
    private readonly server: FakeHttpServer,
  ) {}

  static async start(roles: Record<string, FakeRole>): Promise<FakeSts> {
    const holder: { fake?: FakeSts } = {};
    const server = await startFakeHttpServer((request) => holder.fake!.handle(request));
    holder.fake = new FakeSts(roles, server);
    return holder.fake;
  }

  get url(): string {
    return this.server.url;
  }

  /** The account of the role whose credentials these are, for the fakes the credentials are used at. */
  accountOf(accessKeyId: string): string | undefined {
    const call = this.calls.find((c) => c.issued?.accessKeyId === accessKeyId);
    return call?.params.RoleArn?.split(':')[4];
  }

  close(): Promise<void> {
    return this.server.close();
  }

  private handle(request: FakeHttpRequest): FakeHttpReply {
    const params = Object.fromEntries(new URLSearchParams(request.body));
    const record = (outcome: string, issued?: AssumeRoleCall['issued']): void => {
      this.calls.push({
        params,
        ...(request.accessKeyId ? { accessKeyId: request.accessKeyId } : {}),
        outcome,
        ...(issued ? { issued } : {}),
        receivedAt: request.receivedAt,
      });
    };
    if (params.Action !== 'AssumeRole') {
      record('InvalidAction');
      return xmlError('InvalidAction', `the fake does not know ${params.Action}`);
    }
    const arn = params.RoleArn ?? '';
    const name = params.RoleSessionName ?? '';
    const duration = Number(params.DurationSeconds ?? 3600);
    let problem: [string, string, number] | undefined;
    if (!ROLE_ARN.test(arn)) problem = ['ValidationError', `RoleArn ${arn} is not a role ARN`, 400];
    else if (!SESSION_NAME.test(name)) problem = ['ValidationError', `RoleSessionName "${name}" must be 2-64 characters of [\\w+=,.@-]`, 400];
    else if (!(duration >= 900 && duration <= 43_200)) problem = ['ValidationError', 'DurationSeconds must be from 900 to 43200', 400];
    else if (!this.roles[arn]) problem = ['AccessDenied', `User is not authorized to perform: sts:AssumeRole on resource: ${arn}`, 403];
    else if (this.roles[arn]!.externalId !== undefined && this.roles[arn]!.externalId !== params.ExternalId) {
      problem = ['AccessDenied', `User is not authorized to perform: sts:AssumeRole on resource: ${arn}`, 403];
    }
    if (problem) {
      record(problem[0]);
      return xmlError(problem[0], problem[1], problem[2]);
    }
    const accessKeyId = `ASIA${randomBytes(8).toString('hex').toUpperCase()}`;
    const expiration = new Date(Date.now() + (this.lifetimeMs ?? duration * 1000));
    record('ok', { accessKeyId, expiration });
    const account = arn.split(':')[4];
    const roleName = arn.slice(arn.lastIndexOf('/') + 1);
    return {
      status: 200,
      contentType: 'text/xml',
      body:
        `<AssumeRoleResponse xmlns="${NAMESPACE}"><AssumeRoleResult>` +
        `<Credentials><AccessKeyId>${accessKeyId}</AccessKeyId><SecretAccessKey>${randomBytes(20).toString('base64')}</SecretAccessKey>` +
        `<SessionToken>${randomBytes(32).toString('base64')}</SessionToken><Expiration>${expiration.toISOString()}</Expiration></Credentials>` +
        `<AssumedRoleUser><Arn>arn:aws:sts::${account}:assumed-role/${escapeXml(roleName)}/${escapeXml(name)}</Arn>` +
        `<AssumedRoleId>AROAFAKEROLEID:${escapeXml(name)}</AssumedRoleId></AssumedRoleUser>` +
        `</AssumeRoleResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></AssumeRoleResponse>`,
    };
  }
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function xmlError(code: string, message: string, status = 400): FakeHttpReply {
  return {
    status,
    contentType: 'text/xml',
    body: `<ErrorResponse xmlns="${NAMESPACE}"><Error><Type>Sender</Type><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
  };
}
