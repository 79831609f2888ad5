/** The remediation room: the action catalogue, planning, and execution (execute, verify, undo). */
export {
  describeProblem,
  RemediationPlanError,
  UnknownActionError,
  rootTarget,
  type ActionPermissions,
  type CallOutcome,
  type ExecutionContext,
  type ExecutionReport,
  type FieldHolder,
  type FieldStanding,
  type IamPermission,
  type MissingPermission,
  type TargetClaims,
  type PlanContext,
  type RemediationAction,
  type RemediationProblem,
  type RemediationProblemKind,
  type TargetOutcome,
  type TargetState,
  type VerificationReport,
} from './action.js';
export { catalogPermissions, checkRemediateSpec, getAction, listActions, remediationRolePermissions } from './catalogue.js';
export { describeTarget, executeRemediation, holdsSomething, planUndo, targetKey, undoRemediation, type UndoOptions } from './execute.js';
export { REMEDIATION_ROLE_POLICY } from './iam/errors.js';
export { IAM_OPERATIONS } from './iam/commands.js';
export { planRemediation, type PlanRemediationOptions } from './plan.js';
export { ACCOUNT_COLUMN, describeAccountSource, type RunAccount } from './account.js';
export { parseProtectedPatterns, ProtectedPrincipals, protectedPatternProblem, protectedPrincipalsOf, type PrincipalKind, type PrincipalRef } from './protected.js';
