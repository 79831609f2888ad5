/** The approval gate: records and their atomic transitions, eligibility, the audit trail. */
export { ApprovalStore, type ApprovalStoreOptions, type DecideOptions, type FinishOptions } from './store.js';
export { ApproverEligibility, type Eligibility, type EligibilityOptions, type SlackDirectoryClient } from './eligibility.js';
export { decideClick, type Click } from './decide.js';
export { AuditTrail, DEFAULT_AUDIT_MAX_LEN, type AuditEntry, type AuditEvent, type ReadAuditOptions } from './audit.js';
export { auditCommand, parseSince, DEFAULT_KEY_PREFIX, type AuditCommandOptions } from './audit-command.js';
export { isApprovalId, newApprovalId, KeyLayout } from './keys.js';
export { refusalMessage, formatApprovers, formatUtc, undoExistsMessage } from './messages.js';
export { redactSecrets } from './redact.js';
export type * from './types.js';
