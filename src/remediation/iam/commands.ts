/**
 * Every IAM API operation the remediation actions call, by name. An action builds SDK command
 * objects; this registry gives each its operation name, so the plan an approver reads is
 * derived from the very objects that are sent (`callOf`), and a command missing here fails
 * loudly instead of being sent under no name. deploy/iam's remediation policy is checked
 * against these operations and the actions' declared permissions (test/deploy).
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

/** Any of the registered commands, as built by an action. */
export type IamCommand = InstanceType<CommandClass<IamOperation>>;

/** Every operation the remediation side can send, as `iam:<Operation>`. */
export const IAM_OPERATIONS: readonly IamOperation[] = OPERATIONS;

/**
 * @aws-sdk/client-iam, loaded when the first command is built. `ctrb validate` and `explain`
 * read the action catalogue (names, inputs, permissions) and never send a call; loading the
 * SDK for them would cost more than the rest of their start-up. The package is CommonJS, so
 * `require` gives the very module an `import` of it elsewhere gives (one set of classes).
 */
let sdk: typeof IamSdk | undefined;
function iamSdk(): typeof IamSdk {
  return (sdk ??= createRequire(import.meta.url)('@aws-sdk/client-iam') as typeof IamSdk);
}

/** The SDK command object for `operation` with its request parameters: how actions build every call. */
export function iamCommand<Op extends IamOperation>(operation: Op, input: ConstructorParameters<CommandClass<Op>>[0]): InstanceType<CommandClass<Op>> {
  const Command = iamSdk()[`${operation}Command`] as unknown as new (input: ConstructorParameters<CommandClass<Op>>[0]) => InstanceType<CommandClass<Op>>;
  return new Command(input);
}

/** The operation a command object performs. */
export function operationOf(command: IamCommand): IamOperation {
  for (const name of OPERATIONS) if (command instanceof iamSdk()[`${name}Command`]) return name;
  throw new Error(`${command.constructor.name} is not a registered IAM operation (src/remediation/iam/commands.ts)`);
}

/** A command as a plan shows it: the operation and its exact request parameters. */
export function callOf(command: IamCommand): ApiCall {
  return { service: 'iam', operation: operationOf(command), params: { ...(command.input as Record<string, unknown>) } };
}
