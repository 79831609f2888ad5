/**
 * What a remediation action is, in the manner of Cloud Custodian: an object registered by
 * name that declares its inputs (a zod schema), the exact IAM permissions it needs, and
 * whether it can be undone, and that turns validated inputs into a plan of the exact AWS
 * API calls it would make.
 *
 * Planning is all that exists today. Executing, verifying and undoing are declared below as
 * optional capabilities: no action has them yet, so code that wants to execute must check
 * for them, and the compiler will not let it forget.
 */
import { z } from 'zod';
import type { ApiCall, RemediationPlan } from '../run/types.js';

/** `service:Operation`, as written in an IAM policy. */
export type IamPermission = `${string}:${string}`;

export interface PlanContext {
  /** The moment the plan is made; revoking sessions cuts off at this time. */
  now: Date;
  /** AWS partition of the account acted on: `aws`, `aws-us-gov`, `aws-cn`. */
  partition: string;
}

/** Something that can send one API call of a plan to AWS (a later issue provides it). */
export interface AwsCaller {
  call(call: ApiCall, signal?: AbortSignal): Promise<unknown>;
}

export interface ExecuteContext {
  aws: AwsCaller;
  signal?: AbortSignal;
}

export interface CallOutcome {
  call: ApiCall;
  ok: boolean;
  error?: string;
}

export interface ExecutionReport {
  ok: boolean;
  calls: CallOutcome[];
}

export interface VerificationReport {
  /** True when AWS now shows the state the plan aimed for. */
  ok: boolean;
  details: string[];
}

export interface RemediationAction {
  readonly name: string;
  readonly description: string;
  /** The inputs a runbook gives, by name, validated by `plan`. */
  readonly inputSchema: z.ZodObject;
  readonly inputNames: readonly string[];
  /** Every IAM permission the action's API calls need; least-privilege policies derive from these. */
  readonly permissions: readonly IamPermission[];
  readonly reversible: boolean;
  /**
   * The plan for one target. Validates `inputs` first and refuses the root user; throws a
   * `RemediationPlanError` naming the action and the input.
   */
  plan(inputs: Readonly<Record<string, unknown>>, ctx?: Partial<PlanContext>): RemediationPlan;

  // Capabilities to come. None is implemented yet: each is optional so the type says so.
  execute?(plan: RemediationPlan, ctx: ExecuteContext): Promise<ExecutionReport>;
  verify?(plan: RemediationPlan, ctx: ExecuteContext): Promise<VerificationReport>;
  /** Only for reversible actions. */
  undo?(plan: RemediationPlan, ctx: ExecuteContext): Promise<ExecutionReport>;
}

export type ExecutableAction = RemediationAction & Required<Pick<RemediationAction, 'execute'>>;

export function isExecutable(action: RemediationAction): action is ExecutableAction {
  return typeof action.execute === 'function';
}

export type RemediationProblemKind = 'unknown-action' | 'root-user' | 'invalid-input' | 'evaluation';

export interface RemediationProblem {
  kind: RemediationProblemKind;
  action: string;
  /** The input concerned, when there is one. */
  input?: string;
  /** The `for_each` row (0-based) the inputs came from. */
  row?: number;
  message: string;
}

/** Why no plan could be made; every problem found is listed. */
export class RemediationPlanError extends Error {
  readonly problems: RemediationProblem[];
  constructor(problems: RemediationProblem[]) {
    super(problems.map(describeProblem).join('\n'));
    this.name = 'RemediationPlanError';
    this.problems = problems;
  }
}

/** A runbook names an action the catalogue does not have. */
export class UnknownActionError extends RemediationPlanError {
  constructor(problem: RemediationProblem) {
    super([problem]);
    this.name = 'UnknownActionError';
  }
}

export function describeProblem(p: RemediationProblem): string {
  const row = p.row === undefined ? '' : `row ${p.row + 1}: `;
  const input = p.input === undefined ? '' : `input ${p.input}: `;
  return `${row}${p.action}: ${input}${p.message}`;
}

/** What an action's own planning returns for one validated target. */
export interface TargetPlan {
  summary: string;
  calls: ApiCall[];
  warnings?: string[];
}

export interface ActionDefinition<Shape extends z.ZodRawShape> {
  name: string;
  description: string;
  inputs: z.ZodObject<Shape>;
  permissions: readonly IamPermission[];
  reversible: boolean;
  plan(inputs: z.infer<z.ZodObject<Shape>>, ctx: PlanContext): TargetPlan;
}

const ROOT_ARN = /^arn:aws[a-z-]*:iam::\d{12}:root$/;

/**
 * The root user is not an IAM principal: no IAM policy, key or group applies to it, so no
 * IAM action can contain it. Returns the input that names root, if any.
 */
export function rootTarget(inputs: Readonly<Record<string, unknown>>): { input: string; value: string } | undefined {
  for (const [input, value] of Object.entries(inputs)) {
    if (typeof value !== 'string') continue;
    if ((input === 'user_name' && value.toLowerCase() === 'root') || ROOT_ARN.test(value)) return { input, value };
  }
  return undefined;
}

export const ROOT_REFUSAL =
  'the root user cannot be restricted through IAM. Secure it by hand instead: follow the manual steps in this runbook\'s note (sign in as root, reset the password, enable MFA, delete root access keys)';

/** Builds a registered action from its definition: validation and the root refusal come first. */
export function defineAction<Shape extends z.ZodRawShape>(def: ActionDefinition<Shape>): RemediationAction {
  const inputNames = Object.keys(def.inputs.shape);
  return {
    name: def.name,
    description: def.description,
    inputSchema: def.inputs,
    inputNames,
    permissions: def.permissions,
    reversible: def.reversible,
    plan(inputs, ctx) {
      const root = rootTarget(inputs);
      if (root) {
        throw new RemediationPlanError([
          { kind: 'root-user', action: def.name, input: root.input, message: `${JSON.stringify(root.value)} is the root user: ${ROOT_REFUSAL}` },
        ]);
      }
      const parsed = def.inputs.safeParse(inputs);
      if (!parsed.success) {
        throw new RemediationPlanError(parsed.error.issues.flatMap((issue) => inputProblems(def.name, inputNames, issue)));
      }
      const context: PlanContext = { now: ctx?.now ?? new Date(), partition: ctx?.partition ?? 'aws' };
      const target = def.plan(parsed.data, context);
      return {
        action: def.name,
        summary: target.summary,
        targets: [stringEntries(parsed.data)],
        calls: target.calls,
        reversible: def.reversible,
        warnings: target.warnings ?? [],
      };
    },
  };
}

function inputProblems(action: string, inputNames: readonly string[], issue: z.core.$ZodIssue): RemediationProblem[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({
      kind: 'invalid-input' as const,
      action,
      input: key,
      message: `not an input of ${action} (it takes ${inputNames.join(', ')})`,
    }));
  }
  const input = issue.path.length > 0 ? String(issue.path[0]) : undefined;
  return [{ kind: 'invalid-input', action, input, message: issue.message }];
}

function stringEntries(data: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(data)) if (typeof value === 'string') out[key] = value;
  return out;
}
