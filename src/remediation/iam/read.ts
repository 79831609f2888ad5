/**
 * The reads the actions make to learn the state of a target, before executing (so undo knows
 * what was there) and after (to verify). Each follows IAM's pagination to the end; a missing
 * inline policy or login profile is an answer (absent), not an error.
 */
import type { IAMClient } from '@aws-sdk/client-iam';
import { isNoSuchEntity } from './errors.js';
import { iamCommand } from './commands.js';

export interface IamReader {
  iam: IAMClient;
  signal?: AbortSignal;
}

export type KeyStatus = 'Active' | 'Inactive' | 'missing';

/** The status of one access key of a user; `missing` when the user has no such key. */
export async function accessKeyStatus(r: IamReader, userName: string, keyId: string): Promise<KeyStatus> {
  let marker: string | undefined;
  do {
    const page = await r.iam.send(iamCommand('ListAccessKeys', { UserName: userName, ...(marker ? { Marker: marker } : {}) }), { abortSignal: r.signal });
    const key = page.AccessKeyMetadata?.find((k) => k.AccessKeyId === keyId);
    if (key) return key.Status === 'Inactive' ? 'Inactive' : 'Active';
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
  return 'missing';
}

/**
 * Whether the user has a console password. IAM answers NoSuchEntity both for a user without
 * one and for no such user, so the user is looked up first: a mistyped name must fail, not
 * pass as "has no password".
 */
export async function hasLoginProfile(r: IamReader, userName: string): Promise<boolean> {
  await r.iam.send(iamCommand('GetUser', { UserName: userName }), { abortSignal: r.signal });
  try {
    await r.iam.send(iamCommand('GetLoginProfile', { UserName: userName }), { abortSignal: r.signal });
    return true;
  } catch (e) {
    if (isNoSuchEntity(e)) return false;
    throw e;
  }
}

export type PolicyHolder = { kind: 'user'; name: string } | { kind: 'role'; name: string } | { kind: 'group'; name: string };

/** An inline policy's document (IAM returns it URL-encoded; this decodes it), or undefined. */
export async function inlinePolicy(r: IamReader, holder: Exclude<PolicyHolder, { kind: 'group' }>, policyName: string): Promise<string | undefined> {
  try {
    const out =
      holder.kind === 'user'
        ? await r.iam.send(iamCommand('GetUserPolicy', { UserName: holder.name, PolicyName: policyName }), { abortSignal: r.signal })
        : await r.iam.send(iamCommand('GetRolePolicy', { RoleName: holder.name, PolicyName: policyName }), { abortSignal: r.signal });
    return out.PolicyDocument === undefined ? undefined : decodeURIComponent(out.PolicyDocument);
  } catch (e) {
    if (isNoSuchEntity(e)) return undefined;
    throw e;
  }
}

/** The ARNs of the managed policies attached to a user, role or group. */
export async function attachedPolicies(r: IamReader, holder: PolicyHolder): Promise<Set<string>> {
  const arns = new Set<string>();
  let marker: string | undefined;
  do {
    const paging = marker ? { Marker: marker } : {};
    const page =
      holder.kind === 'user'
        ? await r.iam.send(iamCommand('ListAttachedUserPolicies', { UserName: holder.name, ...paging }), { abortSignal: r.signal })
        : holder.kind === 'role'
          ? await r.iam.send(iamCommand('ListAttachedRolePolicies', { RoleName: holder.name, ...paging }), { abortSignal: r.signal })
          : await r.iam.send(iamCommand('ListAttachedGroupPolicies', { GroupName: holder.name, ...paging }), { abortSignal: r.signal });
    for (const p of page.AttachedPolicies ?? []) if (p.PolicyArn) arns.add(p.PolicyArn);
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
  return arns;
}

/** The names of the groups a user belongs to. */
export async function groupsOfUser(r: IamReader, userName: string): Promise<Set<string>> {
  const names = new Set<string>();
  let marker: string | undefined;
  do {
    const page = await r.iam.send(iamCommand('ListGroupsForUser', { UserName: userName, ...(marker ? { Marker: marker } : {}) }), { abortSignal: r.signal });
    for (const g of page.Groups ?? []) if (g.GroupName) names.add(g.GroupName);
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
  return names;
}
