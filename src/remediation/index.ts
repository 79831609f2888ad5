/** The remediation room: the action catalogue and planning. Execution comes later. */
export {
  describeProblem,
  isExecutable,
  RemediationPlanError,
  UnknownActionError,
  rootTarget,
  type AwsCaller,
  type ExecutableAction,
  type ExecuteContext,
  type ExecutionReport,
  type IamPermission,
  type PlanContext,
  type RemediationAction,
  type RemediationProblem,
  type RemediationProblemKind,
  type VerificationReport,
} from './action.js';
export { catalogPermissions, checkRemediateSpec, getAction, listActions } from './catalogue.js';
export { planRemediation, type PlanRemediationOptions } from './plan.js';
