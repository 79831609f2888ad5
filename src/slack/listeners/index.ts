/**
 * Every listener of the bot, registered in one place. The listeners never know which receiver
 * (HTTP or Socket Mode) delivers their requests.
 */
import type { App } from '@slack/bolt';
import { registerAlarmListener } from './alarm.js';
import { registerApprovalListeners } from './approval.js';
import type { ListenerDeps } from './deps.js';
import { registerInvestigate } from './investigate.js';
import { registerUndoListener } from './undo.js';
import { registerPivotListener } from './pivot.js';
import { registerEvidenceListener } from './evidence.js';

export function registerListeners(app: App, deps: ListenerDeps): void {
  registerInvestigate(app, deps);
  registerAlarmListener(app, deps);
  registerApprovalListeners(app, deps);
  registerUndoListener(app, deps);
  registerPivotListener(app, deps);
  registerEvidenceListener(app, deps);
}

export type { AlarmIdentity, AlarmThreads, ListenerDeps, RunLookup, RunQueue, UndoRequests } from './deps.js';
export { INVESTIGATE_COMMAND } from './investigate.js';
export { ALARM_WINDOW_AFTER_MS, alarmRunInput } from './alarm-run.js';
