/**
 * From an earlier step's rows to the questions for the simulator: the step's CEL expressions
 * evaluated per row, each row's answer turned into one SimulatePrincipalPolicy request, and the
 * same question from many rows asked once.
 */
import type { CelInput, CelValue } from '@bufbuild/cel';
import type { Row } from '../model/query.js';
import type { ApiCall } from '../model/run.js';
import { CelCompileError, CelEvaluationError, CelExpression, type CelVariables } from '../runbook/cel.js';
import type { ExpressionLocation } from '../runbook/cel-expression.js';
import { rowToCel } from '../runbook/cel-env.js';
import type { VerifyAccessSpec } from '../runbook/schema.js';
import { contextValue, type ContextValue } from './context-keys.js';
import { iamActionOf } from './iam-action.js';
import { principalToSimulate, type SimulatedPrincipal } from './principal.js';

export interface CompiledVerifyAccess {
  spec: VerifyAccessSpec;
  principal: CelExpression;
  issuer?: CelExpression;
  action: CelExpression;
  resource?: CelExpression;
  context: Record<string, CelExpression>;
}

/** Compiles every expression of the step; throws one CelCompileError listing each that does not compile. */
export function compileVerifyAccess(spec: VerifyAccessSpec, location: Omit<ExpressionLocation, 'field'> & { field: string }): CompiledVerifyAccess {
  const problems: CelCompileError['problems'] = [];
  const compile = (source: string, field: string): CelExpression | undefined => {
    try {
      return CelExpression.compile(source, { ...location, field: `${location.field}.${field}` }, { row: true });
    } catch (e) {
      if (!(e instanceof CelCompileError)) throw e;
      problems.push(...e.problems);
      return undefined;
    }
  };
  const principal = compile(spec.principal, 'principal');
  const issuer = spec.issuer === undefined ? undefined : compile(spec.issuer, 'issuer');
  const action = compile(spec.action, 'action');
  const resource = spec.resource === undefined ? undefined : compile(spec.resource, 'resource');
  const context: Record<string, CelExpression> = {};
  for (const [key, source] of Object.entries(spec.context)) {
    const compiled = compile(source, `context.${key}`);
    if (compiled) context[key] = compiled;
  }
  if (problems.length > 0) throw new CelCompileError(problems);
  return { spec, principal: principal!, ...(issuer ? { issuer } : {}), action: action!, ...(resource ? { resource } : {}), context };
}

/** One question: may this principal do this action on this resource, in this context? */
export interface AccessQuestion {
  /** The first caller that asked it. */
  principal: string;
  /** Every distinct caller that asked it (the sessions of one role ask the same question). */
  callers: string[];
  who: SimulatedPrincipal;
  action: string;
  resource: string;
  context: ContextValue[];
  /** Context values left out, and why. */
  skippedContext: string[];
  /** The SimulatePrincipalPolicy request; absent when the principal cannot be simulated. */
  request?: ApiCall;
  rows: number;
}

export interface Questions {
  questions: AccessQuestion[];
  /** Distinct questions past the step's limit. */
  omitted: number;
  /** Rows that could not become a question, one line each (deduplicated). */
  problems: string[];
}

export function accessQuestions(step: CompiledVerifyAccess, rows: readonly Row[], vars: CelVariables): Questions {
  const byKey = new Map<string, AccessQuestion>();
  const problems = new Set<string>();
  rows.forEach((row, index) => {
    const bindings: Record<string, CelInput> = { ...vars, row: rowToCel(row) };
    try {
      const question = questionOf(step, bindings);
      if (typeof question === 'string') {
        problems.add(question);
        return;
      }
      // Sessions of one role are one question about the role.
      const key = JSON.stringify([question.who.policySourceArn ?? question.principal, question.action, question.resource, question.context]);
      const seen = byKey.get(key);
      if (!seen) byKey.set(key, question);
      else {
        seen.rows += 1;
        if (!seen.callers.includes(question.principal)) seen.callers.push(question.principal);
      }
    } catch (e) {
      if (!(e instanceof CelEvaluationError)) throw e;
      problems.add(`row ${index + 1}: ${e.reason} (in ${e.expression})`);
    }
  });
  const all = [...byKey.values()];
  return { questions: all.slice(0, step.spec.limit), omitted: Math.max(0, all.length - step.spec.limit), problems: [...problems] };
}

function questionOf(step: CompiledVerifyAccess, bindings: Record<string, CelInput>): AccessQuestion | string {
  const principal = text(step.principal.evaluate(bindings));
  if (principal === undefined) return `${step.principal.source} gave no caller on some rows; those rows were not asked about`;
  const issuer = step.issuer ? text(step.issuer.evaluate(bindings)) : undefined;
  const actionText = text(step.action.evaluate(bindings));
  const action = actionText === undefined ? undefined : iamActionOf(actionText);
  if (action === undefined) return `${JSON.stringify(actionText ?? null)} is not an action such as s3:DeleteBucket (from ${step.action.source})`;
  const resource = step.resource ? (text(step.resource.evaluate(bindings)) ?? '*') : '*';

  const context: ContextValue[] = [];
  const skippedContext: string[] = [];
  for (const [key, expression] of Object.entries(step.context)) {
    const value = text(expression.evaluate(bindings));
    if (value === undefined) continue;
    const entry = contextValue(key, value);
    if ('skipped' in entry) skippedContext.push(entry.skipped);
    else context.push(entry);
  }

  const who = principalToSimulate(principal, issuer);
  const request: ApiCall | undefined = who.policySourceArn
    ? {
        service: 'iam',
        operation: 'SimulatePrincipalPolicy',
        params: {
          PolicySourceArn: who.policySourceArn,
          ...(who.callerArn ? { CallerArn: who.callerArn } : {}),
          ActionNames: [action],
          ResourceArns: [resource],
          ...(context.length > 0
            ? { ContextEntries: context.map((c) => ({ ContextKeyName: c.key, ContextKeyValues: [c.value], ContextKeyType: c.type })) }
            : {}),
        },
      }
    : undefined;
  return { principal, callers: [principal], who, action, resource, context, skippedContext, ...(request ? { request } : {}), rows: 1 };
}

/** A cell as text: null, an empty string or a list gives undefined. */
function text(value: CelValue): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (typeof value === 'bigint' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}
