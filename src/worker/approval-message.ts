/**
 * The approval message is always re-rendered from the approval record and updated in place,
 * so it shows every decision, who made it and when, and the outcome, with the buttons gone
 * once the approval is closed.
 */
import type { webApi } from '@slack/bolt';
import type { Approval } from '../approval/types.js';
import { approvalViewOf, renderApprovalMessage } from '../slack/render/index.js';

export interface MessageUpdater {
  chat: Pick<webApi.WebClient['chat'], 'update'>;
}

/** Updates the approval's message; false when the approval has no message (never posted). */
export async function updateApprovalMessage(client: MessageUpdater, approval: Approval): Promise<boolean> {
  if (!approval.message) return false;
  const message = renderApprovalMessage(approvalViewOf(approval));
  await client.chat.update({ channel: approval.message.channel, ts: approval.message.ts, ...message });
  return true;
}
