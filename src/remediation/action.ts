/**
 * What a remediation action is, in the manner of Cloud Custodian: an object registered by
 * name that declares its inputs (a zod schema) and the exact IAM permissions of each of its
 * phases, and that goes plan → execute → verify → undo:
 *
 * - plan: validated inputs → the exact AWS calls it would make, for the approval message;
 * - execute: read the target's state, make the calls that state still needs (none when it is
 *   remediated already, so running it again is harmless), read the state back;
 * - verify: read the state and say whether it is the remediated one, in words;
 * - undo (reversible actions only): put back what execute changed, and only that, from the
 *   state execute read before changing anything; then read back.
 *
 * The same definition drives all of them, so the plan an approver reads and the calls a worker
 * makes come from one place. Running a definition is execute.ts's job.
 */
import type { IAMClient } from '@aws-sdk/client-iam';
import { z } from 'zod';
import type { ApiCall, RemediationPlan } from '../model/run.js';
import { callOf, type IamCall } from './iam/commands.js';
import type { IamReader } from './iam/read.js';
import { ProtectedPrincipals, type PrincipalRef } from './protected.js';

/** `service:Operation`, as written in an IAM policy. */
export type IamPermission = `${string}:${string}`;

export interface PlanContext {
  /** The moment the plan is made. Execution takes its own moment (see ExecutionContext.now). */
  now: Date;
  /** AWS partition of the account acted on: `aws`, `aws-us-gov`, `aws-cn`. */
  partition: string;
  /** Principals never to restrict; refused here and again at execution. */
  protectedPrincipals?: ProtectedPrincipals;
  /** The account acted on, when known (see account.ts): protected principals may be scoped to accounts. */
  accountId?: string;
}

/** What execute, verify and undo are given: an IAM client with the remediation role's credentials, and who asks. */
export interface ExecutionContext {
  iam: IAMClient;
  /** The moment of execution: time cut-offs (revoking sessions) are taken from it, not from the plan. */
  now: Date;
  partition: string;
  runId: string;
  /** The approval that allowed this execution. */
  approvalId: string;
  accountId?: string;
  protectedPrincipals: ProtectedPrincipals;
  signal?: AbortSignal;
  /**
   * Keeps the first state read of each target across retries of one approval and returns it:
   * a worker that died after changing a target but before reporting it must not, on the
   * retry, take the changed state for the state before (undo would then restore nothing).
   */
  rememberBefore?: (target: Record<string, string>, state: TargetState) => Promise<TargetState>;
  /**
   * Who else's remediation holds each field of a target (claims.ts): an execution records what
   * it changed, and relies on what another's left so; an undo keeps what another still relies
   * on. Without it, undo puts back what the execution read before, whoever needs it since.
   */
  claims?: TargetClaims;
}

/** Another approval's remediation that changed a field of the same target, or relies on it. */
export interface FieldHolder {
  approvalId: string;
  runId: string;
}

/** The other remediations standing on one field of a target, and the value before the first of them. */
export interface FieldStanding {
  others: FieldHolder[];
  /** The field's value before any standing remediation changed it. */
  original?: TargetState[string];
}

/**
 * The record, per target and field, of which approvals' remediations hold it, bound to one
 * approval (the executed one, also while it is undone).
 */
export interface TargetClaims {
  /**
   * After executing: this approval holds the fields it changed (their value before is kept
   * from the first holder), and the fields it found so while others hold them. Returns the
   * others, by field.
   */
  claim(action: string, target: Record<string, string>, fields: Array<{ field: string; changed: boolean; before: TargetState[string] }>): Promise<Record<string, FieldHolder[]>>;
  /** Before undoing: the other holders of each field, and its value before the first holder. */
  standing(action: string, target: Record<string, string>, fields: string[]): Promise<Record<string, FieldStanding>>;
  /** After undoing: this approval no longer holds the target's fields. */
  release(action: string, target: Record<string, string>, fields: string[]): Promise<void>;
}

/** JSON only: it is stored with the approval's outcome and read back to undo. */
export type TargetState = Record<string, string | number | boolean | null>;

/** One state-changing call made, and how it went. */
export interface CallOutcome {
  call: ApiCall;
  ok: boolean;
  /** The AWS error (code: message) when the call failed. */
  error?: string;
  /**
   * Why a call AWS answered with an error counts as made: the SDK retried it after a failed
   * attempt (5xx, throttling) that had taken effect, and the state read back shows it.
   */
  note?: string;
}

/** A permission the remediation role lacks, and the policy of this project that grants it. */
export interface MissingPermission {
  permission: string;
  policy: string;
}

/** What execute (or undo) did to one target, and what verify read back afterwards. */
export interface TargetOutcome {
  target: Record<string, string>;
  ok: boolean;
  /** Why the target failed or was refused: which call, or what refusal. */
  error?: string;
  /** The state read before any change; undo puts this back. */
  before?: TargetState;
  /** The state read back after the calls (also after a failure: the state left). */
  after?: TargetState;
  /** The state-changing calls made, in order, each with its outcome. None when nothing needed changing. */
  calls: CallOutcome[];
  /** What verify read, in words: "access key AKIA… of IAM user alice is Inactive". */
  verification: VerificationReport;
  /** When AWS refused for want of a permission: which, and the policy that grants it. */
  missingPermission?: MissingPermission;
  /**
   * Fields other approvals' remediations hold: on execute, found so because of them (this one
   * relies on them too); on undo, kept because they still rely on them.
   */
  shared?: Array<{ field: string } & FieldHolder>;
}

export interface VerificationReport {
  /** True when AWS now shows the state aimed for. */
  ok: boolean;
  details: string[];
}

export interface ExecutionReport {
  action: string;
  mode: 'execute' | 'undo';
  /** Every target reached its state. */
  ok: boolean;
  /** One line for the approval message: what was done, and what failed. */
  summary: string;
  targets: TargetOutcome[];
}

export interface ActionPermissions {
  /** The calls the plan lists (the changes). */
  execute: readonly IamPermission[];
  /** The reads made before executing (for undo), to verify, and after a failure (the state left). */
  verify: readonly IamPermission[];
  /** The calls that put things back; absent for actions that cannot be undone. */
  undo?: readonly IamPermission[];
}

export interface RemediationAction {
  readonly name: string;
  readonly description: string;
  /** The inputs a runbook gives, by name, validated by `plan`. */
  readonly inputSchema: z.ZodObject;
  readonly inputNames: readonly string[];
  /** The permissions of the calls its plans list (execute). */
  readonly permissions: readonly IamPermission[];
  /** Every phase's permissions; the remediation role's policy is their union over the catalogue. */
  readonly phasePermissions: ActionPermissions;
  readonly reversible: boolean;
  /**
   * The plan for one target. Validates `inputs` first and refuses the root user and protected
   * principals; throws a `RemediationPlanError` naming the action and the input.
   */
  plan(inputs: Readonly<Record<string, unknown>>, ctx?: Partial<PlanContext>): RemediationPlan;
  /** The principals one target's inputs name (validated), for the protected-principal check. */
  principals(inputs: Readonly<Record<string, unknown>>): PrincipalRef[];
  /** Validated inputs of one target; throws a `RemediationPlanError` like `plan`. */
  validate(inputs: Readonly<Record<string, unknown>>, ctx?: Partial<PlanContext>): Record<string, string>;
  read(target: Record<string, string>, io: IamReader): Promise<TargetState>;
  /** The calls that take the target from `state` to remediated (none when it is already). */
  changes(target: Record<string, string>, state: TargetState, ctx: { now: Date; partition: string }): IamCall[];
  /** The state in words, and whether it is the remediated one (`at`: the execution's moment). */
  check(target: Record<string, string>, state: TargetState, at: { now: Date; partition: string }): VerificationReport;
  /** Present only on reversible actions. */
  readonly undo?: UndoDefinition;
}

export interface UndoDefinition {
  /** One line: what undoing does, e.g. "Reactivate access key … of IAM user …". */
  summary(target: Record<string, string>): string;
  /** The calls that put back what execute changed, given the state before it and the state now. */
  changes(target: Record<string, string>, before: TargetState, now: TargetState, ctx: { partition: string }): IamCall[];
  /** Whether `now` is `before` again, in words. */
  check(target: Record<string, string>, before: TargetState, now: TargetState, ctx: { partition: string }): VerificationReport;
}

export type RemediationProblemKind = 'unknown-action' | 'root-user' | 'protected-principal' | 'invalid-input' | 'evaluation' | 'account';

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
  warnings?: string[];
}

type Inputs<Shape extends z.ZodRawShape> = z.infer<z.ZodObject<Shape>>;

export interface ActionDefinition<Shape extends z.ZodRawShape> {
  name: string;
  description: string;
  inputs: z.ZodObject<Shape>;
  permissions: ActionPermissions;
  principals(inputs: Inputs<Shape>): PrincipalRef[];
  /** Summary and warnings of one target's plan; its calls are `changes` from `assumed`. */
  plan(inputs: Inputs<Shape>, ctx: PlanContext): TargetPlan;
  /** The state planning assumes (nothing remediated yet), so the plan lists every call execution can make. */
  assumed(inputs: Inputs<Shape>): TargetState;
  read(inputs: Inputs<Shape>, io: IamReader): Promise<TargetState>;
  changes(inputs: Inputs<Shape>, state: TargetState, ctx: { now: Date; partition: string }): IamCall[];
  check(inputs: Inputs<Shape>, state: TargetState, at: { now: Date; partition: string }): VerificationReport;
  undo?: {
    summary(inputs: Inputs<Shape>): string;
    changes(inputs: Inputs<Shape>, before: TargetState, now: TargetState, ctx: { partition: string }): IamCall[];
    check(inputs: Inputs<Shape>, before: TargetState, now: TargetState, ctx: { partition: string }): VerificationReport;
  };
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

/** Builds a registered action from its definition: validation, the root and protected-principal refusals come first. */
export function defineAction<Shape extends z.ZodRawShape>(def: ActionDefinition<Shape>): RemediationAction {
  const inputNames = Object.keys(def.inputs.shape);
  const parse = (inputs: Readonly<Record<string, unknown>>, ctx?: Partial<PlanContext>): Inputs<Shape> => {
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
    const protection = ctx?.protectedPrincipals ?? ProtectedPrincipals.none;
    const refusals = protection.refusals(def.principals(parsed.data), { accountId: ctx?.accountId, partition: ctx?.partition });
    if (refusals.length > 0) {
      throw new RemediationPlanError(refusals.map((r) => ({ kind: 'protected-principal', action: def.name, input: r.input, message: r.message })));
    }
    return parsed.data;
  };
  // Callers hand back what `validate` returned: inputs that passed the schema.
  const typed = (target: Record<string, string>) => target as unknown as Inputs<Shape>;
  const undo = def.undo;

  return {
    name: def.name,
    description: def.description,
    inputSchema: def.inputs,
    inputNames,
    permissions: def.permissions.execute,
    phasePermissions: def.permissions,
    reversible: undo !== undefined,
    plan(inputs, ctx) {
      const data = parse(inputs, ctx);
      const context: PlanContext = { ...ctx, now: ctx?.now ?? new Date(), partition: ctx?.partition ?? 'aws' };
      const target = def.plan(data, context);
      return {
        action: def.name,
        summary: target.summary,
        targets: [stringEntries(data)],
        calls: def.changes(data, def.assumed(data), context).map(callOf),
        reversible: undo !== undefined,
        warnings: target.warnings ?? [],
      };
    },
    principals: (inputs) => def.principals(def.inputs.parse(inputs)),
    validate: (inputs, ctx) => stringEntries(parse(inputs, ctx)),
    read: (target, io) => def.read(typed(target), io),
    changes: (target, state, ctx) => def.changes(typed(target), state, ctx),
    check: (target, state, at) => def.check(typed(target), state, at),
    ...(undo
      ? {
          undo: {
            summary: (target) => undo.summary(typed(target)),
            changes: (target, before, now, ctx) => undo.changes(typed(target), before, now, ctx),
            check: (target, before, now, ctx) => undo.check(typed(target), before, now, ctx),
          },
        }
      : {}),
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
