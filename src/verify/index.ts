/** "Was the caller authorized?": the verify_access step and IAM's policy simulator. */
export { SIMULATOR_BLIND_SPOTS, VERIFY_ACCESS_PERMISSIONS } from './blind-spots.js';
export { contextKeyType, contextValue, type ContextKeyType, type ContextValue } from './context-keys.js';
export { answerDetails, answerHeadline, DECISION_LABEL, describeAccessCheck, statementText } from './describe.js';
export { iamActionOf } from './iam-action.js';
export { principalToSimulate, type CallerKind, type SimulatedPrincipal } from './principal.js';
export { accessQuestions, compileVerifyAccess, type AccessQuestion, type CompiledVerifyAccess, type Questions } from './questions.js';
export { errorAnswer, simulate, unaskedAnswer } from './simulate.js';
export { NEEDS_AWS, runVerifyAccess, type AccessSimulator, type VerifyAccessOutcome } from './step.js';
