/**
 * `ctrb validate --slack`: the approvers (and `access.users`) of every runbook looked up in the
 * Slack workspace with the bot's token, each unknown one reported at its file:line:column; a
 * clear error without a token, or when Slack refuses the look-up.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_BOT_TOKEN, FakeSlackApi } from '../fakes/slack-api.js';
import { ctrb } from './ctrb.js';

/** A runbook of `head` lines, a query and a gated remediation ending in its `approval` lines: the positions the test expects are counted on these lines. */
const gatedRunbook = (head: string[], approval: string[]): string =>
  [
    ...head,
    'steps:',
    '  - id: users',
    '    query:',
    '      where: { eventName: ConsoleLogin }',
    '      group: { by: [userIdentity.userName as user], count: sign_ins }',
    '  - id: remove',
    '    remediate:',
    '      action: iam.delete-login-profile',
    '      for_each: users',
    '      inputs: { user_name: row.user }',
    ...approval,
    '',
  ].join('\n');

let slack: FakeSlackApi;
let dir: string;
beforeAll(async () => {
  slack = await FakeSlackApi.start({
    users: [{ id: 'U0ALICE' }, { id: 'U0GONE', deleted: true }, { id: 'U0BOB' }],
    userGroups: [{ id: 'S0IRTEAM', handle: 'ir-team', users: ['U0BOB'] }, { id: 'S0EMPTY', handle: 'empty-team', users: [] }],
  });
  dir = await mkdtemp(join(tmpdir(), 'ctrb-validate-slack-'));
  await writeFile(
    join(dir, 'gated.yaml'),
    gatedRunbook(
      ['id: gated', 'title: A gated remediation', 'summary: Approvers of every kind.', 'severity: high', 'access:', '  users: [U0ALICE, "@night-shift"]'],
      ['      approval:', '        approvers: [U0ALICE, "@ir-team", "@security-oncall", U0NOBODY, U0GONE, "@empty-team"]'],
    ),
  );
  await writeFile(
    join(dir, 'known.yaml'),
    gatedRunbook(['id: known', 'title: Known approvers only', 'summary: Every approver exists.', 'severity: high'], ['      approval: { approvers: ["@ir-team", S0IRTEAM, U0ALICE] }']),
  );
});
afterAll(() => slack?.close());

const slackEnv = () => ({ SLACK_BOT_TOKEN: FAKE_BOT_TOKEN, SLACK_API_URL: slack.apiUrl });

describe('ctrb validate --slack', () => {
  it('reports each approver and access.users entry the workspace does not know, at its file:line:column', async () => {
    const out = await ctrb(['validate', '--slack', join(dir, 'gated.yaml'), join(dir, 'known.yaml')], slackEnv());
    expect(out.code).toBe(2);
    expect(out.stdout).toContain('1 valid, 1 invalid');
    expect(out.stdout).toMatch(/ok +\S*known\.yaml/);
    const lines = out.stdout.split('\n').filter((l) => l.includes('gated.yaml:')).map((l) => l.trim().replace(`${dir}/`, ''));
    expect(lines).toEqual([
      'gated.yaml:18:42  steps[1].remediate.approval.approvers[2]: @security-oncall: no user group has this handle in this workspace (or it is disabled), so nobody can approve through it',
      'gated.yaml:18:62  steps[1].remediate.approval.approvers[3]: U0NOBODY: no user has this id in this workspace, so nobody can approve through it',
      'gated.yaml:18:72  steps[1].remediate.approval.approvers[4]: U0GONE: this account is deactivated, so nobody can approve through it',
      'gated.yaml:18:80  steps[1].remediate.approval.approvers[5]: @empty-team: this user group has nobody in it, so nobody can approve through it',
      'gated.yaml:6:20  access.users[1]: @night-shift: no user group has this handle in this workspace (or it is disabled), so nobody can start the runbook from Slack through it',
    ]);
    // One list of the groups for the whole run, one look-up per user.
    expect(slack.callsTo('usergroups.list')).toHaveLength(1);
  });

  it('finds the built-in runbooks\' @security-oncall missing until the group exists', async () => {
    const file = join('runbooks', 'console-login-without-mfa.yaml');
    const before = await ctrb(['validate', '--slack', file], slackEnv());
    expect(before.code).toBe(2);
    expect(before.stdout).toMatch(/console-login-without-mfa\.yaml:\d+:\d+ {2}steps\[\d\]\.remediate\.approval\.approvers\[0\]: @security-oncall: no user group has this handle/);

    slack.addUserGroup({ id: 'S0SECONCALL', handle: 'security-oncall', users: ['U0BOB'] });
    const after = await ctrb(['validate', '--slack', file], slackEnv());
    expect(after.code).toBe(0);
    expect(after.stdout).toContain('1 valid, 0 invalid');
  });

  it('says what to set without a token, and what Slack answered when it refuses', async () => {
    const none = await ctrb(['validate', '--slack', join(dir, 'known.yaml')], { SLACK_BOT_TOKEN: '' });
    expect(none.code).toBe(2);
    expect(none.stdout).toBe('');
    expect(none.stderr).toContain('--slack looks the approvers up in your Slack workspace with the bot\'s token: set SLACK_BOT_TOKEN to the Bot User OAuth Token (xoxb-…)');

    slack.failWith('usergroups.list', 'missing_scope');
    const refused = await ctrb(['validate', '--slack', join(dir, 'known.yaml')], slackEnv());
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--slack: could not look the approvers up: Slack answered missing_scope:');
  });
});
