import { plainText } from '../../src/model/text.js';
import { webApi } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { ApproverEligibility, type SlackDirectoryClient } from '../../src/approval/eligibility.js';
import { oncallSlack } from './fake-slack.js';

describe('who may decide', () => {
  it('accepts approvers named directly, by group handle and by group id', async () => {
    const slack = oncallSlack();
    const eligibility = new ApproverEligibility(slack);
    expect(await eligibility.check('UCAROL', ['UCAROL'])).toEqual({ eligible: true });
    expect(await eligibility.check('UALICE', ['@security-oncall'])).toEqual({ eligible: true });
    expect(await eligibility.check('UCAROL', ['SLEADS'])).toEqual({ eligible: true });
    expect(await eligibility.check('UBOB', ['UCAROL', '@Security-Oncall'])).toEqual({ eligible: true });
  });

  it('refuses someone the policy does not name, listing who may approve', async () => {
    const eligibility = new ApproverEligibility(oncallSlack());
    expect(await eligibility.check('UMALLORY', ['@security-oncall'])).toEqual({
      eligible: false,
      code: 'not_approver',
      message: ['You are not an approver for this remediation (approvers: ', '@security-oncall', ').'],
    });
    const mixed = await eligibility.check('UMALLORY', ['UCAROL', 'SLEADS', '@security-oncall']);
    // The approvers are mentions the renderer makes real (test/slack/mentions.test.ts).
    expect(mixed.eligible === false && plainText(mixed.message)).toBe('You are not an approver for this remediation (approvers: @UCAROL, @SLEADS, @security-oncall).');
    expect(mixed.eligible === false && mixed.message).toContainEqual({ mention: 'usergroup', id: 'SLEADS' });
  });

  it('refuses everyone when the policy names nobody, and says the runbook must', async () => {
    const slack = oncallSlack();
    const verdict = await new ApproverEligibility(slack).check('UALICE', []);
    expect(verdict).toMatchObject({ eligible: false, code: 'no_approvers', message: expect.stringMatching(/names no approvers/) });
    expect(slack.calls).toEqual([]);
  });

  it('refuses bots and deactivated accounts, even inside an approver group', async () => {
    const eligibility = new ApproverEligibility(oncallSlack());
    expect(await eligibility.check('BOTUSER', ['@security-leads'])).toMatchObject({ eligible: false, code: 'bot' });
    expect(await eligibility.check('UFORMER', ['@security-leads', 'UFORMER'])).toMatchObject({
      eligible: false,
      code: 'deactivated',
      message: 'Deactivated Slack accounts cannot approve or deny remediations.',
    });
  });

  it('does not let a group handle that does not exist approve anyone', async () => {
    const eligibility = new ApproverEligibility(oncallSlack());
    expect(await eligibility.check('UALICE', ['@no-such-group'])).toMatchObject({ eligible: false, code: 'not_approver' });
  });

  it('caches groups for the TTL: a burst of clicks makes one look-up of each', async () => {
    let now = 0;
    const slack = oncallSlack();
    const eligibility = new ApproverEligibility(slack, { cacheTtlMs: 60_000, clock: () => now });

    await Promise.all(['UALICE', 'UBOB', 'UMALLORY', 'UALICE'].map((u) => eligibility.check(u, ['@security-oncall'])));
    expect(slack.count('usergroups.list')).toBe(1);
    expect(slack.count('usergroups.users.list')).toBe(1);
    // The clicker's own account is checked every time: deactivation must take effect at once.
    expect(slack.count('users.info')).toBe(4);

    // Removed from on-call: still an approver until the cache expires, not after.
    slack.groups[0]!.users = ['UBOB'];
    now = 59_000;
    expect((await eligibility.check('UALICE', ['@security-oncall'])).eligible).toBe(true);
    now = 61_000;
    expect((await eligibility.check('UALICE', ['@security-oncall'])).eligible).toBe(false);
    expect(slack.count('usergroups.list')).toBe(2);
    expect(slack.count('usergroups.users.list')).toBe(2);
  });

  it('refuses the click when Slack cannot answer, and asks Slack again next time', async () => {
    const slack = oncallSlack();
    const eligibility = new ApproverEligibility(slack);
    slack.failing.set('usergroups.users.list', 'ratelimited');
    expect(await eligibility.check('UALICE', ['@security-oncall'])).toEqual({
      eligible: false,
      code: 'lookup_failed',
      detail: 'usergroups.users.list: ratelimited',
      message: 'Slack could not confirm that you are an approver (usergroups.users.list: ratelimited), so nothing was changed. Try again in a moment.',
    });
    slack.failing.clear();
    expect(await eligibility.check('UALICE', ['@security-oncall'])).toEqual({ eligible: true });

    slack.failing.set('users.info', 'internal_error');
    expect(await eligibility.check('UALICE', ['UALICE'])).toMatchObject({ eligible: false, code: 'lookup_failed' });
  });

  it('still accepts a member of another named group when one group cannot be read', async () => {
    const slack = oncallSlack();
    const eligibility = new ApproverEligibility(slack);
    slack.unreadable.add('SLEADS');
    expect(await eligibility.check('UALICE', ['@security-leads', '@security-oncall'])).toEqual({ eligible: true });
    expect(await eligibility.check('UMALLORY', ['@security-leads', '@security-oncall'])).toMatchObject({
      eligible: false,
      code: 'lookup_failed',
    });
  });

  // The assignment is the test: `tsc` rejects it if the narrow interface drifts from WebClient.
  it("takes Bolt's WebClient as its Slack client", () => {
    const client: SlackDirectoryClient = new webApi.WebClient();
    expect(new ApproverEligibility(client)).toBeInstanceOf(ApproverEligibility);
  });
});
