/**
 * deploy/iam/: every AWS operation the code can call is in the policy of the identity that
 * calls it, and nothing more. Two sources are held against each policy: what the code
 * declares (the actions' permissions, the engines' operations, verify_access's), and what the
 * source actually imports (the SDK `*Command` classes and paginators of each side), so a new
 * call without a policy line, or a policy line no code needs, fails here.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentText, iamDocuments, type PolicyDocument } from '../../deploy/iam/policies.js';
import { ATHENA_DATA_ACCESS, QUERY_ENGINE_ACTIONS } from '../../src/query/engines/index.js';
import {
  executeRemediation,
  getAction,
  listActions,
  ProtectedPrincipals,
  remediationRolePermissions,
  undoRemediation,
  type ExecutionContext,
  type ExecutionReport,
} from '../../src/remediation/index.js';
import { PACKAGE_ROOT } from '../../src/runbook/library.js';
import { VERIFY_ACCESS_PERMISSIONS } from '../../src/verify/index.js';
import { FakeIam } from '../fakes/aws/iam.js';

const SRC = join(PACKAGE_ROOT, 'src');
const DEPLOY = join(PACKAGE_ROOT, 'deploy', 'iam');

const SERVICE_OF_PACKAGE: Record<string, string> = {
  'client-iam': 'iam',
  'client-sts': 'sts',
  'client-athena': 'athena',
  'client-cloudtrail': 'cloudtrail',
};

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/**
 * `import { ListAccessKeysCommand, paginateX } from '@aws-sdk/client-iam'` (or the same names
 * taken from `await import('@aws-sdk/client-iam')`) → iam:ListAccessKeys, iam:X, by file; and
 * each `iamCommand('ListAccessKeys', …)` and `iamCall('UpdateAccessKey', …)`, how the
 * remediation actions read IAM and build their changes (src/remediation/iam/commands.ts).
 */
function operationsImported(): Map<string, string[]> {
  const byFile = new Map<string, string[]>();
  for (const file of filesUnder(SRC)) {
    const text = readFileSync(file, 'utf8');
    const operations: string[] = [];
    for (const m of text.matchAll(/(?:iamCommand|iamCall)\('(\w+)'/g)) operations.push(`iam:${m[1]!}`);
    const imports = /import\s*(?:type\s*)?\{([^}]*)\}\s*from\s*'@aws-sdk\/(client-[a-z-]+)'|\{([^{}]*)\}\s*=\s*await\s+import\('@aws-sdk\/(client-[a-z-]+)'\)/g;
    for (const found of text.matchAll(imports)) {
      const names = found[1] ?? found[3]!;
      const pkg = found[2] ?? found[4]!;
      const service = SERVICE_OF_PACKAGE[pkg];
      if (!service) throw new Error(`${relative(PACKAGE_ROOT, file)} imports @aws-sdk/${pkg}, which no policy covers`);
      for (const name of names.split(',').map((n) => n.trim().replace(/^type\s+/, ''))) {
        const command = /^(\w+)Command$/.exec(name)?.[1] ?? /^paginate(\w+)$/.exec(name)?.[1];
        if (command) operations.push(`${service}:${command}`);
      }
    }
    if (operations.length > 0) byFile.set(relative(SRC, file), operations);
  }
  return byFile;
}

/** Which identity calls from each folder: the remediation role, the query role, the worker itself. */
function sideOf(file: string): 'remediation' | 'query' | 'worker' | undefined {
  if (file.startsWith('remediation/')) return 'remediation';
  if (file.startsWith('query/') || file.startsWith('verify/')) return 'query';
  if (file.startsWith('aws/')) return 'worker';
  return undefined;
}

function importedBy(side: ReturnType<typeof sideOf>): string[] {
  return [...new Set([...operationsImported()].filter(([file]) => sideOf(file) === side).flatMap(([, ops]) => ops))].sort();
}

function allowed(document: PolicyDocument): string[] {
  return [...new Set(document.Statement.filter((s) => s.Effect === 'Allow').flatMap((s) => s.Action))].sort();
}

function onDisk(name: string): PolicyDocument {
  return JSON.parse(readFileSync(join(DEPLOY, name), 'utf8')) as PolicyDocument;
}

const sorted = (list: Iterable<string>) => [...new Set(list)].sort();

describe('deploy/iam', () => {
  it('holds exactly what generate.ts writes from the code\'s declarations', () => {
    for (const [name, document] of Object.entries(iamDocuments())) {
      expect(readFileSync(join(DEPLOY, name), 'utf8'), `${name}: run npx tsx deploy/iam/generate.ts`).toBe(documentText(document));
    }
  });

  it('every AWS operation the source imports is made by a folder whose identity has a policy', () => {
    const unassigned = [...operationsImported()].filter(([file]) => sideOf(file) === undefined);
    expect(unassigned).toEqual([]);
  });

  it('the remediation role allows exactly the catalogue\'s declared permissions, which are exactly the IAM commands the actions import', () => {
    const declared = remediationRolePermissions();
    expect(importedBy('remediation')).toEqual(declared);
    expect(allowed(onDisk('remediation-role-policy.json'))).toEqual(declared);
  });

  it('the remediation role may never change the bot\'s own roles', () => {
    const deny = onDisk('remediation-role-policy.json').Statement.find((s) => s.Effect === 'Deny')!;
    expect(deny.Resource).toEqual(expect.arrayContaining(['arn:aws:iam::*:role/ctrb-query', 'arn:aws:iam::*:role/ctrb-remediation']));
    const writes = listActions().flatMap((a) => [...a.phasePermissions.execute, ...(a.phasePermissions.undo ?? [])]);
    expect(sorted(deny.Action)).toEqual(sorted(writes));
  });

  it('the query role allows exactly the engines\' operations, Athena\'s data access and the simulator, which are what the query side imports', () => {
    const apiCalls = sorted([...Object.values(QUERY_ENGINE_ACTIONS).flat(), ...VERIFY_ACCESS_PERMISSIONS]);
    expect(importedBy('query')).toEqual(apiCalls);
    expect(allowed(onDisk('query-role-policy.json'))).toEqual(sorted([...apiCalls, ...ATHENA_DATA_ACCESS]));
    // Neither role carries the other's powers.
    expect(allowed(onDisk('query-role-policy.json')).filter((a) => remediationRolePermissions().includes(a as never))).toEqual([]);
  });

  it('the worker\'s own identity may only assume the two roles', () => {
    expect(importedBy('worker')).toEqual(['sts:AssumeRole']);
    const policy = onDisk('worker-identity-policy.json');
    expect(allowed(policy)).toEqual(['sts:AssumeRole']);
    expect(policy.Statement[0]!.Resource).toEqual(['arn:aws:iam::*:role/ctrb-query', 'arn:aws:iam::*:role/ctrb-remediation']);
  });
});

describe('each action, run against the IAM fake', () => {
  let iam: FakeIam;
  beforeAll(async () => {
    iam = await FakeIam.start();
  });
  afterAll(async () => {
    await iam.close();
  });

  const SAMPLES: Record<string, Array<Record<string, string>>> = {
    'iam.deactivate-access-key': [{ user_name: 'alice', access_key_id: 'AKIAIOSFODNN7EXAMPLE' }],
    'iam.delete-login-profile': [{ user_name: 'alice' }],
    'iam.quarantine-user': [{ user_name: 'alice' }],
    'iam.revoke-role-sessions': [{ role_name: 'ci' }],
    'iam.detach-policy': ['user_name', 'role_name', 'group_name'].map((k) => ({ [k]: k === 'user_name' ? 'alice' : k === 'role_name' ? 'ci' : 'admins', policy_arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' })),
    'iam.remove-user-from-group': [{ user_name: 'alice', group_name: 'admins' }],
  };

  it.each(listActions().map((a) => [a.name]))('%s calls only what its phases declare', async (name) => {
    const action = getAction(name);
    const declared = action.phasePermissions;
    const phaseCalls = async (run: () => Promise<unknown>): Promise<string[]> => {
      iam.calls.length = 0;
      await run();
      return sorted(iam.calls.map((c) => `iam:${c.action}`));
    };
    for (const inputs of SAMPLES[name]!) {
      iam.reset({
        users: [{ name: 'alice', accessKeys: [{ id: 'AKIAIOSFODNN7EXAMPLE' }], loginProfile: true, groups: ['admins'], attachedPolicies: ['arn:aws:iam::aws:policy/ReadOnlyAccess'] }],
        roles: [{ name: 'ci', attachedPolicies: ['arn:aws:iam::aws:policy/ReadOnlyAccess'] }],
        groups: [{ name: 'admins', attachedPolicies: ['arn:aws:iam::aws:policy/ReadOnlyAccess'] }],
      });
      const ctx: ExecutionContext = { iam: iam.client(), now: new Date(), partition: 'aws', runId: 'r', approvalId: 'a', protectedPrincipals: new ProtectedPrincipals() };
      let report: ExecutionReport | undefined;
      const executeCalls = await phaseCalls(async () => {
        report = await executeRemediation(action.plan(inputs), ctx);
      });
      expect(report!.ok, JSON.stringify(report)).toBe(true);
      expect(executeCalls.every((c) => [...declared.execute, ...declared.verify].includes(c as never)), `${name} execute: ${executeCalls}`).toBe(true);
      expect(executeCalls).toEqual(expect.arrayContaining([...new Set(report!.targets.flatMap((t) => t.calls.map((c) => `iam:${c.call.operation}`)))]));
      if (action.undo) {
        let undone: ExecutionReport | undefined;
        const undoCalls = await phaseCalls(async () => {
          undone = await undoRemediation(report!, ctx);
        });
        // An undo refused for want of a permission would call less: it must have succeeded.
        expect(undone!.ok, JSON.stringify(undone)).toBe(true);
        expect(undoCalls.every((c) => [...declared.undo!, ...declared.verify].includes(c as never)), `${name} undo: ${undoCalls}`).toBe(true);
      }
    }
  });
});
