/**
 * `ctrb validate --slack`: every runbook's approvers (and the user groups and people of its
 * `access.users`) looked up in the Slack workspace, with the bot's own token, so a gate nobody
 * can open (the built-in `@security-oncall` before it exists) is found before it is needed.
 * Each unknown one is reported at its place in the file, like any other problem.
 */
import { pino } from 'pino';
import { ApproverDirectory, unresolvedReason } from '../../approval/approver-directory.js';
import { ConfigError, loadSlackApiSettings } from '../../config.js';
import type { RunbookIssue } from '../../runbook/load.js';
import type { Runbook } from '../../runbook/schema.js';
import { explainSlackError, slackErrorCode } from '../../slack/api-errors.js';
import { createSlackClient, SLACK_TERMINAL_RETRY_CONFIG } from '../../slack/client.js';
import { UsageError } from '../errors.js';

/** Slack could not be reached at all (not a refusal): exit 1, like Redis or AWS out of reach. */
export class SlackUnreachableError extends Error {
  override name = 'SlackUnreachableError';
}

/** The workspace's directory, reached with SLACK_BOT_TOKEN (and SLACK_API_URL), as the bot reaches it. */
export function workspaceDirectory(env: Record<string, string | undefined>): ApproverDirectory {
  if (!env.SLACK_BOT_TOKEN) {
    throw new UsageError(
      '--slack looks the approvers up in your Slack workspace with the bot\'s token: set SLACK_BOT_TOKEN to the Bot User OAuth Token (xoxb-…), as for ctrb bot, and SLACK_API_URL if your Slack API is not https://slack.com/api/',
    );
  }
  let settings;
  try {
    settings = loadSlackApiSettings(env);
  } catch (e) {
    if (e instanceof ConfigError) throw new UsageError(`--slack: ${e.problems.join('; ')}`);
    throw e;
  }
  return new ApproverDirectory(createSlackClient(settings, pino({ level: 'silent' }), SLACK_TERMINAL_RETRY_CONFIG));
}

/**
 * The approvers of each remediation the schema accepted, and the groups and people of
 * `access.users`, that the workspace does not know. Steps in `skip` (refused by the schema)
 * are left out: their problems are reported already.
 */
export async function unknownApproverIssues(runbook: Runbook, skip: ReadonlySet<number>, directory: ApproverDirectory, file: string): Promise<RunbookIssue[]> {
  const issues: RunbookIssue[] = [];
  const check = async (names: readonly string[], at: (index: number) => string, consequence: string): Promise<void> => {
    const unresolved = await lookUp(directory, names);
    for (const u of unresolved) {
      names.forEach((name, index) => {
        if (name === u.approver) issues.push({ file, path: at(index), message: `${u.approver}: ${unresolvedReason(u)}, so ${consequence}` });
      });
    }
  };
  for (const [index, step] of runbook.steps.entries()) {
    if (skip.has(index) || !('remediate' in step)) continue;
    await check(step.remediate.approval.approvers, (i) => `steps[${index}].remediate.approval.approvers[${i}]`, 'nobody can approve through it');
  }
  if (runbook.access.users) await check(runbook.access.users, (i) => `access.users[${i}]`, 'nobody can start the runbook from Slack through it');
  return issues;
}

async function lookUp(directory: ApproverDirectory, names: readonly string[]): ReturnType<ApproverDirectory['unresolved']> {
  try {
    return await directory.unresolved(names);
  } catch (e) {
    // Slack's refusals (a wrong token, a missing scope) are for the person to fix; anything else is Slack out of reach.
    if (slackErrorCode(e)) throw new UsageError(`--slack: could not look the approvers up: ${explainSlackError(e).sentence}`);
    throw new SlackUnreachableError(`--slack: could not reach Slack to look the approvers up: ${(e as Error).message}`);
  }
}
