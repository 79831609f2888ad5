/**
 * Whether a runbook may be started from this channel by this person (its `access` block).
 *
 * `access.channels` lists channel ids; `access.users` lists user ids and user groups
 * (`@handle` or `S…` id), resolved through the same cached Slack look-ups as approvers.
 * An absent list means no restriction; an empty one means nobody. When Slack cannot say who
 * belongs to a group in time, the start is refused: a restriction that fails open is none.
 */
import type { ApproverEligibility } from '../../approval/index.js';
import type { Runbook } from '../../runbook/schema.js';

export type AccessVerdict = { allowed: true } | { allowed: false; reason: string; detail: string };

export interface Starter {
  channel: string;
  user: string;
}

export async function checkStartAccess(
  runbook: Pick<Runbook, 'id' | 'access'>,
  starter: Starter,
  eligibility: ApproverEligibility,
  timeoutMs: number,
): Promise<AccessVerdict> {
  const { channels, users } = runbook.access;
  if (channels !== undefined && !channels.includes(starter.channel)) {
    return {
      allowed: false,
      reason: `${runbook.id} cannot be started in this channel`,
      detail:
        channels.length === 0
          ? 'Its access rules allow no channel: it can only be started by an alarm or from the terminal.'
          : `It may be started only in ${channels.join(', ')} (this channel is ${starter.channel}).`,
    };
  }
  if (users === undefined) return { allowed: true };
  const refused = (detail: string): AccessVerdict => ({ allowed: false, reason: `You may not start ${runbook.id}`, detail });
  if (users.length === 0) return refused('Its access rules allow nobody to start it from Slack.');
  // Named directly: no Slack look-up needed (only people can type a slash command).
  if (users.includes(starter.user)) return { allowed: true };

  const verdict = await withTimeout(eligibility.check(starter.user, users), timeoutMs);
  if (verdict === 'timeout') return refused('Slack did not say in time whether you belong to its groups; try again in a moment.');
  if (verdict.eligible) return { allowed: true };
  switch (verdict.code) {
    case 'lookup_failed':
      return refused(
        verdict.advice
          ? `Slack could not say whether you belong to its groups. ${verdict.advice}.`
          : `Slack could not say whether you belong to its groups (${verdict.detail ?? 'look-up failed'}); try again in a moment.`,
      );
    case 'deactivated':
    case 'bot':
      return refused('Only active people may start it.');
    default:
      return refused(`It may be started only by ${users.join(', ')}.`);
  }
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
