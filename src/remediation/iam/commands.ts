/**
 * Every IAM API operation the remediation actions call, by name. An action's changes are
 * IamCall objects (`iamCall`): an operation of this registry and its exact request parameters.
 * The plan an approver reads is derived from those very objects (`callOf`), and execution
 * sends each as the SDK command of that operation with that input (`sdkCommandOf`), so what is
 * sent is what was shown; an operation missing here does not compile, and fails loudly at run
 * time, instead of being sent under no name. deploy/iam's remediation policy is checked against
 * these operations and the actions' declared permissions (test/deploy).
 *
 * Planning loads no SDK: a run that plans a remediation (`ctrb run`, the worker before the
 * approval) does not pay for loading @aws-sdk/client-iam, which only reading and changing IAM do.
 */
import { createRequire } from 'node:module';
import type * as IamSdk from '@aws-sdk/client-iam';
import type { ApiCall } from '../../model/run.js';

const OPERATIONS = [
  'AddUserToGroup',
  'AttachGroupPolicy',
  'AttachRolePolicy',
  'AttachUserPolicy',
  'DeleteLoginProfile',
  'DeleteRolePolicy',
  'DeleteUserPolicy',
  'DetachGroupPolicy',
  'DetachRolePolicy',
  'DetachUserPolicy',
  'GetLoginProfile',
  'GetRolePolicy',
  'GetUser',
  'GetUserPolicy',
  'ListAccessKeys',
  'ListAttachedGroupPolicies',
  'ListAttachedRolePolicies',
  'ListAttachedUserPolicies',
  'ListGroupsForUser',
  'PutRolePolicy',
  'PutUserPolicy',
  'RemoveUserFromGroup',
  'UpdateAccessKey',
] as const;

export type IamOperation = (typeof OPERATIONS)[number];
type CommandClass<Op extends IamOperation> = (typeof IamSdk)[`${Op}Command`];

type InputOf<Op extends IamOperation> = ConstructorParameters<CommandClass<Op>>[0];

/** One call a remediation makes: what a plan shows and, as an SDK command, what execution sends. */
export interface IamCall<Op extends IamOperation = IamOperation> {
  readonly operation: Op;
  readonly input: Readonly<InputOf<Op>>;
}

/** Every operation the remediation side can send, as `iam:<Operation>`. */
export const IAM_OPERATIONS: readonly IamOperation[] = OPERATIONS;

/**
 * @aws-sdk/client-iam, loaded when the first command is built, to read or change IAM. `ctrb
 * validate`, `explain` and a planning run read the action catalogue and plan calls, and never
 * send one; loading the SDK for them would cost more than the rest of their start-up. The
 * package is CommonJS, so `require` gives the very module an `import` of it elsewhere gives
 * (one set of classes).
 */
let sdk: typeof IamSdk | undefined;
function iamSdk(): typeof IamSdk {
  return (sdk ??= createRequire(import.meta.url)('@aws-sdk/client-iam') as typeof IamSdk);
}

/** A call of `operation` with these request parameters: how actions build every change. */
export function iamCall<Op extends IamOperation>(operation: Op, input: InputOf<Op>): IamCall<Op> {
  if (!(OPERATIONS as readonly string[]).includes(operation)) {
    throw new Error(`${String(operation)} is not a registered IAM operation (src/remediation/iam/commands.ts)`);
  }
  return Object.freeze({ operation, input: Object.freeze({ ...input }) });
}

/** The SDK command object for `operation` with its request parameters: how IAM is read. */
export function iamCommand<Op extends IamOperation>(operation: Op, input: InputOf<Op>): InstanceType<CommandClass<Op>> {
  const Command = iamSdk()[`${operation}Command`] as unknown as new (input: InputOf<Op>) => InstanceType<CommandClass<Op>>;
  return new Command(input);
}

/** The SDK command that performs a planned call: its operation, with its input. */
export function sdkCommandOf<Op extends IamOperation>(call: IamCall<Op>): InstanceType<CommandClass<Op>> {
  // A copy: the call stays as the plan showed it, whatever the SDK's middleware does.
  return iamCommand(call.operation, { ...call.input } as InputOf<Op>);
}

/** A call as a plan shows it: the operation and its exact request parameters. */
export function callOf(call: IamCall): ApiCall {
  return { service: 'iam', operation: call.operation, params: { ...(call.input as Record<string, unknown>) } };
}
