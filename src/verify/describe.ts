/**
 * Access answers in words, for the terminal (plain text). Slack renders the same content with
 * its own escaping (src/slack/render/access.ts).
 */
import type { AccessAnswer, AccessCheck, MatchedStatement } from '../model/run.js';

export const DECISION_LABEL: Record<AccessAnswer['decision'], string> = {
  allowed: 'allowed',
  explicitDeny: 'explicitly denied',
  implicitDeny: 'implicitly denied (no statement allows it)',
  'not-simulated': 'not simulated',
  error: 'not answered',
};

/** `role policy DataPipeline-s3 (lines 4:7–12:8)`. */
export function statementText(m: MatchedStatement): string {
  const kind = m.policyType && m.policyType !== 'none' ? `${m.policyType} policy ` : 'policy ';
  const at = m.start ? ` (line ${m.start.line}, column ${m.start.column}${m.end ? ` to line ${m.end.line}, column ${m.end.column}` : ''})` : '';
  return `${kind}${m.policyId}${at}`;
}

/** The answer's lines after its headline: who was simulated, by which statements, what was missing. */
export function answerDetails(a: AccessAnswer): string[] {
  const lines: string[] = [];
  if (a.simulated && a.simulated !== a.principal) lines.push(`simulated as ${a.simulated}`);
  if (a.statements.length > 0) lines.push(`${a.decision === 'allowed' ? 'allowed by' : 'denied by'} ${a.statements.map(statementText).join('; ')}`);
  if (a.context.length > 0) lines.push(`context: ${a.context.map((c) => `${c.key}=${c.value}`).join(', ')}`);
  if (a.missingContext.length > 0) lines.push(`missing context keys: ${a.missingContext.join(', ')} (conditions on them evaluated as if absent)`);
  if (a.allowedByOrganizations === false) lines.push('denied by an Organizations SCP');
  if (a.allowedByBoundary === false) lines.push('denied by the permission boundary');
  if (a.note) lines.push(a.note);
  if (a.callers > 1) lines.push(`the same question for ${a.callers - 1} other ${a.callers === 2 ? 'caller' : 'callers'} (sessions of the same role)`);
  return lines;
}

export function answerHeadline(a: AccessAnswer): string {
  return `${DECISION_LABEL[a.decision]}: ${a.principal} → ${a.action} on ${a.resource}`;
}

/** The whole result as lines of text. */
export function describeAccessCheck(check: AccessCheck): string[] {
  const lines: string[] = [];
  if (check.mode === 'planned') {
    lines.push('would ask IAM (not asked: no AWS access here):');
    for (const call of check.calls) lines.push(`  ${call.service}:${call.operation} ${JSON.stringify(call.params)}`);
    for (const a of check.answers.filter((x) => x.note)) lines.push(`  ${a.principal}: ${a.note}`);
  } else {
    for (const a of check.answers) {
      lines.push(answerHeadline(a));
      for (const d of answerDetails(a)) lines.push(`  ${d}`);
    }
  }
  if (check.omitted > 0) lines.push(`… ${check.omitted} more not asked`);
  lines.push('what the simulator does not see:');
  for (const b of check.blindSpots) lines.push(`  - ${b}`);
  return lines;
}
