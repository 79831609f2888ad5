export { fitMessage, fitBlocks, truncateMrkdwn, truncatePlain, SLACK_LIMITS, type Block, type SlackMessage } from './limits.js';
export { renderRunMessage, RUN_STATUS_LABEL, EVIDENCE_ACTION_ID, type RunMessageInput, type RunProgress } from './run-message.js';
export { renderStepReply, STEP_STATUS_ICON, type StepReply } from './step-message.js';
export {
  renderApprovalMessage,
  APPROVE_ACTION_ID,
  DENY_ACTION_ID,
  APPROVAL_ACTIONS_BLOCK_ID,
  type ApprovalView,
  type ApprovalDecision,
  type ApprovalStatus,
} from './approval-message.js';
export { approvalViewOf } from './approval-view.js';
export { renderApproverHelp, type ApproverHelpInput } from './approver-help.js';
export { renderRemediationResult, UNDO_ACTION_ID, UNDO_ACTIONS_BLOCK_ID, type RemediationResultView } from './remediation-result.js';
export {
  renderDenyModal,
  readDenyReason,
  DENY_MODAL_CALLBACK_ID,
  DENY_REASON_BLOCK_ID,
  DENY_REASON_ACTION_ID,
  type DenyModalInput,
} from './deny-modal.js';
export { renderHelp, type HelpRunbook } from './help.js';
export { renderRunStatus, renderRunNotFound, type RunStatusInput } from './run-status.js';
export { renderRefusal, renderAlarmRecovered } from './notices.js';
export { queryResultCsv, stepResultCsv, type CsvFile } from './csv.js';
export { escapeMrkdwn } from './mrkdwn.js';
export { pivotBlocks, readPivotRef, pivotRefValue, PIVOT_ACTION_PATTERN, type PivotRef } from './pivots.js';
