/**
 * The action catalogue: every remediation a runbook may name, registered once. The IAM
 * permissions the bot's remediation role needs are derived from it, so code and policy
 * cannot drift apart.
 */
import { closestName } from '../runbook/params.js';
import type { RemediateSpec } from '../runbook/schema.js';
import { UnknownActionError, type IamPermission, type RemediationAction } from './action.js';
import { deactivateAccessKey } from './actions/deactivate-access-key.js';
import { deleteLoginProfile } from './actions/delete-login-profile.js';
import { detachPolicy } from './actions/detach-policy.js';
import { quarantineUser } from './actions/quarantine-user.js';
import { removeUserFromGroup } from './actions/remove-user-from-group.js';
import { revokeRoleSessions } from './actions/revoke-role-sessions.js';

const CATALOGUE: ReadonlyMap<string, RemediationAction> = new Map(
  [deactivateAccessKey, deleteLoginProfile, quarantineUser, revokeRoleSessions, detachPolicy, removeUserFromGroup].map(
    (action) => [action.name, action],
  ),
);

/** Every registered action, in catalogue order. */
export function listActions(): RemediationAction[] {
  return [...CATALOGUE.values()];
}

/** The action called `name`; an unknown name throws, suggesting the closest one. */
export function getAction(name: string): RemediationAction {
  const action = CATALOGUE.get(name);
  if (action) return action;
  const names = [...CATALOGUE.keys()];
  // Action names share their long `iam.` prefix and verbs, so a dropped word is a big edit
  // that is still an obvious guess: allow up to half the name.
  const suggestion = closestName(name, names, Math.ceil(name.length / 2));
  const hint = suggestion ? `did you mean ${suggestion}? ` : '';
  throw new UnknownActionError({
    kind: 'unknown-action',
    action: name,
    message: `no such remediation action (${hint}available: ${names.join(', ')})`,
  });
}

/**
 * What can be known about a `remediate` step before it runs: that its action exists, and
 * that its inputs are the ones the action takes, all of its required ones included. For
 * `ctrb validate`; the values themselves can only be checked on the rows.
 */
export function checkRemediateSpec(spec: Pick<RemediateSpec, 'action' | 'inputs'>): string[] {
  let action: RemediationAction;
  try {
    action = getAction(spec.action);
  } catch (e) {
    return [(e as Error).message];
  }
  const given = Object.keys(spec.inputs);
  const problems = given
    .filter((name) => !action.inputNames.includes(name))
    .map((name) => `${action.name}: input ${name}: not an input of ${action.name} (it takes ${action.inputNames.join(', ')})`);
  for (const name of action.inputNames) {
    const optional = action.inputSchema.shape[name]!.safeParse(undefined).success;
    if (!optional && !given.includes(name)) problems.push(`${action.name}: input ${name}: missing (it takes ${action.inputNames.join(', ')})`);
  }
  return problems;
}

/** The permissions of every call a plan can list (what executing needs), sorted, without repeats. */
export function catalogPermissions(): IamPermission[] {
  return [...new Set(listActions().flatMap((a) => a.permissions))].sort();
}

/**
 * Every permission of every phase of every action (execute, the reads behind verify, undo):
 * exactly what the remediation role's policy grants (deploy/iam/).
 */
export function remediationRolePermissions(): IamPermission[] {
  const all = listActions().flatMap((a) => [...a.phasePermissions.execute, ...a.phasePermissions.verify, ...(a.phasePermissions.undo ?? [])]);
  return [...new Set(all)].sort();
}
