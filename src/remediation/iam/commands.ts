/**
 * Every IAM API operation the remediation actions call, by name. An action builds SDK command
 * objects; this registry gives each its operation name, so the plan an approver reads is
 * derived from the very objects that are sent (`callOf`), and a command missing here fails
 * loudly instead of being sent under no name. deploy/iam's remediation policy is checked
 * against these operations and the actions' declared permissions (test/deploy).
 */
import {
  AddUserToGroupCommand,
  AttachGroupPolicyCommand,
  AttachRolePolicyCommand,
  AttachUserPolicyCommand,
  DeleteLoginProfileCommand,
  DeleteRolePolicyCommand,
  DeleteUserPolicyCommand,
  DetachGroupPolicyCommand,
  DetachRolePolicyCommand,
  DetachUserPolicyCommand,
  GetLoginProfileCommand,
  GetRolePolicyCommand,
  GetUserCommand,
  GetUserPolicyCommand,
  ListAccessKeysCommand,
  ListAttachedGroupPoliciesCommand,
  ListAttachedRolePoliciesCommand,
  ListAttachedUserPoliciesCommand,
  ListGroupsForUserCommand,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
  RemoveUserFromGroupCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import type { ApiCall } from '../../model/run.js';

const OPERATIONS = {
  AddUserToGroup: AddUserToGroupCommand,
  AttachGroupPolicy: AttachGroupPolicyCommand,
  AttachRolePolicy: AttachRolePolicyCommand,
  AttachUserPolicy: AttachUserPolicyCommand,
  DeleteLoginProfile: DeleteLoginProfileCommand,
  DeleteRolePolicy: DeleteRolePolicyCommand,
  DeleteUserPolicy: DeleteUserPolicyCommand,
  DetachGroupPolicy: DetachGroupPolicyCommand,
  DetachRolePolicy: DetachRolePolicyCommand,
  DetachUserPolicy: DetachUserPolicyCommand,
  GetLoginProfile: GetLoginProfileCommand,
  GetRolePolicy: GetRolePolicyCommand,
  GetUser: GetUserCommand,
  GetUserPolicy: GetUserPolicyCommand,
  ListAccessKeys: ListAccessKeysCommand,
  ListAttachedGroupPolicies: ListAttachedGroupPoliciesCommand,
  ListAttachedRolePolicies: ListAttachedRolePoliciesCommand,
  ListAttachedUserPolicies: ListAttachedUserPoliciesCommand,
  ListGroupsForUser: ListGroupsForUserCommand,
  PutRolePolicy: PutRolePolicyCommand,
  PutUserPolicy: PutUserPolicyCommand,
  RemoveUserFromGroup: RemoveUserFromGroupCommand,
  UpdateAccessKey: UpdateAccessKeyCommand,
} as const;

export type IamOperation = keyof typeof OPERATIONS;

/** Any of the registered commands, as built by an action. */
export type IamCommand = InstanceType<(typeof OPERATIONS)[IamOperation]>;

/** Every operation the remediation side can send, as `iam:<Operation>`. */
export const IAM_OPERATIONS: readonly IamOperation[] = Object.keys(OPERATIONS) as IamOperation[];

/** The operation a command object performs. */
export function operationOf(command: IamCommand): IamOperation {
  for (const [name, type] of Object.entries(OPERATIONS)) if (command instanceof type) return name as IamOperation;
  throw new Error(`${command.constructor.name} is not a registered IAM operation (src/remediation/iam/commands.ts)`);
}

/** A command as a plan shows it: the operation and its exact request parameters. */
export function callOf(command: IamCommand): ApiCall {
  return { service: 'iam', operation: operationOf(command), params: { ...(command.input as Record<string, unknown>) } };
}
