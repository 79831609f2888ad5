/**
 * Two remediations on one target (two alarms about the same user, two runs): each field of
 * the target's state is held by the approvals whose remediation changed it or relies on it
 * (`TargetClaims`, kept in Redis by approval/). An execution records what it changed and
 * what it found so because of another; an undo puts a field back only when no other
 * remediation still holds it, and then to its value before the first of them. So undoing
 * one never undoes the other's change, and undoing both, in either order, restores it all.
 */
import type { FieldHolder, TargetClaims, TargetState } from './action.js';

export type SharedField = { field: string } & FieldHolder;

/** After an execution: claims its fields and returns those other remediations hold too. */
export async function claimFields(
  claims: TargetClaims,
  action: string,
  target: Record<string, string>,
  before: TargetState,
  after: TargetState,
): Promise<SharedField[]> {
  const fields = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  const others = await claims.claim(
    action,
    target,
    fields.map((field) => ({ field, changed: !sameValue(before[field], after[field]), before: before[field] ?? null })),
  );
  return fields.flatMap((field) => (others[field] ?? []).map((h) => ({ field, ...h })));
}

export interface UndoBaseline {
  /** The fields of the target's state the execution read. */
  fields: string[];
  /** Fields left as they are because another remediation still holds them. */
  kept: SharedField[];
  /** The state to put back, given the state now: kept fields as they are, the others as before any remediation. */
  before(now: TargetState): TargetState;
  /** The state before any of the standing remediations, field by field. */
  original: TargetState;
}

/** What undoing one execution's target puts back, field by field. */
export async function undoBaseline(action: string, target: Record<string, string>, executedBefore: TargetState, claims: TargetClaims | undefined): Promise<UndoBaseline> {
  const fields = Object.keys(executedBefore).sort();
  const standing = claims ? await claims.standing(action, target, fields) : {};
  const kept = fields.flatMap((field) => (standing[field]?.others ?? []).map((h) => ({ field, ...h })));
  const original: TargetState = Object.fromEntries(
    fields.map((field) => [field, standing[field]?.original !== undefined ? standing[field]!.original! : (executedBefore[field] ?? null)]),
  );
  return {
    fields,
    kept,
    original,
    before: (now) =>
      Object.fromEntries(
        fields.map((field) => {
          const s = standing[field];
          return [field, s && s.others.length > 0 ? (now[field] ?? null) : original[field]!];
        }),
      ),
  };
}

/** The shared fields in words, for the result message and the audit. */
export function describeShared(shared: SharedField[], mode: 'execute' | 'undo'): string[] {
  return shared.map(({ field, runId, approvalId }) =>
    mode === 'execute'
      ? `${field} was already so by the remediation of run ${runId} (approval ${approvalId}): this one relies on it too, and undoing either keeps it while the other stands`
      : `${field} kept: the remediation of run ${runId} (approval ${approvalId}) still relies on it; it is put back when that one is undone`,
  );
}

function sameValue(a: TargetState[string] | undefined, b: TargetState[string] | undefined): boolean {
  return (a ?? null) === (b ?? null);
}
