/**
 * One CEL expression or `{{ … }}` template, compiled once and evaluated many times. Errors
 * carry where the expression lives in the runbook (`steps[3].check[0].when`) so a responder
 * or reviewer can find it, and runtime errors name the part of the expression that failed.
 */
import { isCelError, parse, plan, unparse, type CelError, type CelInput, type CelValue } from '@bufbuild/cel';
import { CEL_VARIABLES, celToText, isKnownFunction, RUNBOOK_CEL_ENV, type CelVariable } from './cel-env.js';

type ParsedExpr = ReturnType<typeof parse>;
type Expr = ParsedExpr['expr'];

export interface ExpressionLocation {
  runbook: string;
  stepId: string;
  /** Path inside the runbook, e.g. `steps[3].check[0].when`. */
  field: string;
}

export interface CelCompileProblem extends ExpressionLocation {
  expression: string;
  message: string;
}

/** Every expression of a runbook that does not compile, collected rather than the first. */
export class CelCompileError extends Error {
  readonly problems: CelCompileProblem[];
  constructor(problems: CelCompileProblem[]) {
    const lines = problems.map((p) => `  - ${describeLocation(p)}: ${p.message}\n      ${p.expression}`);
    super(`CEL expressions that do not compile:\n${lines.join('\n')}`);
    this.name = 'CelCompileError';
    this.problems = problems;
  }
}

/** An expression that compiled but failed on the data it was given. */
export class CelEvaluationError extends Error {
  readonly location: ExpressionLocation;
  readonly expression: string;
  /** CEL's own explanation, with the failing part of the expression. */
  readonly reason: string;
  constructor(location: ExpressionLocation, expression: string, reason: string) {
    super(`${describeLocation(location)}: ${reason} (in ${expression})`);
    this.name = 'CelEvaluationError';
    this.location = location;
    this.expression = expression;
    this.reason = reason;
  }
}

function describeLocation(location: ExpressionLocation): string {
  // Expressions evaluated without a compiled runbook (an ad-hoc `when`) know only their field.
  if (location.runbook === '') return location.field;
  return `${location.runbook} step ${location.stepId}, ${location.field}`;
}

export type CelBindings = Partial<Record<CelVariable, CelInput>>;

export interface CompileOptions {
  /** Whether `row` is bound: only under `for_each`. */
  row: boolean;
}

export class CelExpression {
  private constructor(
    readonly source: string,
    readonly location: ExpressionLocation,
    private readonly parsed: ParsedExpr,
    private readonly program: (bindings: Record<string, CelInput>) => CelValue | CelError,
  ) {}

  /** Throws a `CelCompileError` with one problem when `source` does not compile. */
  static compile(source: string, location: ExpressionLocation, options: CompileOptions): CelExpression {
    let parsed: ParsedExpr;
    try {
      parsed = parse(source);
    } catch (e) {
      throw new CelCompileError([{ ...location, expression: source, message: (e as Error).message }]);
    }
    const problems = unknownNames(parsed.expr, options).map((message) => ({ ...location, expression: source, message }));
    if (problems.length > 0) throw new CelCompileError(problems);
    const program = plan(RUNBOOK_CEL_ENV, parsed) as (bindings: Record<string, CelInput>) => CelValue | CelError;
    return new CelExpression(source, location, parsed, program);
  }

  /** The value, or a `CelEvaluationError` saying which part failed on this data. */
  evaluate(bindings: CelBindings): CelValue {
    const result = this.program(bindings as Record<string, CelInput>);
    if (!isCelError(result)) return result;
    throw new CelEvaluationError(this.location, this.source, this.explain(result));
  }

  /** Evaluates a condition; anything but true or false is an error, never a silent "no". */
  test(bindings: CelBindings): boolean {
    const value = this.evaluate(bindings);
    if (typeof value === 'boolean') return value;
    throw new CelEvaluationError(
      this.location,
      this.source,
      `expected true or false, got ${value === null ? 'null' : JSON.stringify(celToText(value))}`,
    );
  }

  private explain(error: CelError): string {
    const failing = error.exprId === undefined ? undefined : findExpr(this.parsed.expr, error.exprId);
    if (!failing) return error.message;
    return `${unparse(failing)}: ${error.message}`;
  }
}

/** A piece of rendered template text: written by the runbook's author, or an interpolated value. */
export interface TemplatePart {
  text: string;
  value?: true;
}

/**
 * Text with `{{ expr }}` interpolations: a message or a note. Literal text between the
 * interpolations is kept as written.
 */
export class CelTemplate {
  private constructor(
    readonly source: string,
    readonly location: ExpressionLocation,
    private readonly parts: ReadonlyArray<string | CelExpression>,
  ) {}

  static compile(source: string, location: ExpressionLocation, options: CompileOptions): CelTemplate {
    const parts: Array<string | CelExpression> = [];
    const problems: CelCompileProblem[] = [];
    const interpolation = /\{\{([\s\S]*?)\}\}/g;
    let last = 0;
    for (const match of source.matchAll(interpolation)) {
      parts.push(source.slice(last, match.index));
      last = match.index + match[0].length;
      const expression = match[1]!.trim();
      if (expression === '') {
        problems.push({ ...location, expression: match[0], message: 'empty {{ }}: put a CEL expression inside' });
        continue;
      }
      try {
        parts.push(CelExpression.compile(expression, location, options));
      } catch (e) {
        problems.push(...(e as CelCompileError).problems);
      }
    }
    const rest = source.slice(last);
    if (rest.includes('{{')) {
      problems.push({ ...location, expression: rest.slice(rest.indexOf('{{')), message: '"{{" is not closed with "}}"' });
    }
    parts.push(rest);
    if (problems.length > 0) throw new CelCompileError(problems);
    return new CelTemplate(source, location, parts.filter((p) => p !== ''));
  }

  /** True when the text has no interpolation at all. */
  get isPlain(): boolean {
    return this.parts.every((p) => typeof p === 'string');
  }

  /** The text with each interpolation evaluated; the first failing one throws. */
  render(bindings: CelBindings): string {
    return this.renderParts(bindings)
      .map((p) => p.text)
      .join('');
  }

  /**
   * The text in its parts: as the author wrote it, and each interpolated value marked as one,
   * so a renderer can trust the author's markup and escape the values (which come from logs).
   */
  renderParts(bindings: CelBindings): TemplatePart[] {
    return this.parts.map((p) => (typeof p === 'string' ? { text: p } : { text: celToText(p.evaluate(bindings)), value: true }));
  }

  /**
   * The text with failing interpolations left as written, and their errors: for a finding
   * whose condition held but whose message cannot be fully rendered, the finding must
   * still be raised.
   */
  renderTolerant(bindings: CelBindings): { text: string; errors: CelEvaluationError[] } {
    const errors: CelEvaluationError[] = [];
    const text = this.parts
      .map((p) => {
        if (typeof p === 'string') return p;
        try {
          return celToText(p.evaluate(bindings));
        } catch (e) {
          errors.push(e as CelEvaluationError);
          return `{{ ${p.source} }}`;
        }
      })
      .join('');
    return { text, errors };
  }
}

/**
 * Names CEL would only find missing at run time: variables other than ours (a typo such as
 * `rows`, or `row` outside `for_each`) and unknown functions.
 */
function unknownNames(root: Expr, options: CompileOptions): string[] {
  const problems = new Set<string>();
  const allowed = new Set<string>(CEL_VARIABLES.filter((v) => v !== 'row' || options.row));
  const visit = (expr: Expr | undefined, bound: ReadonlySet<string>): void => {
    if (!expr) return;
    const kind = expr.exprKind;
    switch (kind.case) {
      case 'identExpr': {
        const name = kind.value.name;
        if (bound.has(name) || allowed.has(name)) return;
        if (name === 'row') problems.add('"row" is only defined under for_each (one evaluation per row of a step)');
        else problems.add(`unknown name "${name}" (expressions can use ${[...allowed].join(', ')})`);
        return;
      }
      case 'selectExpr':
        return visit(kind.value.operand, bound);
      case 'callExpr': {
        const fn = kind.value.function;
        // Operators are spelled `_+_`, `@in`, `!_`…; only named functions can be unknown.
        if (/^[A-Za-z]/.test(fn) && !isKnownFunction(fn)) problems.add(`unknown function ${fn}()`);
        visit(kind.value.target, bound);
        for (const arg of kind.value.args) visit(arg, bound);
        return;
      }
      case 'listExpr':
        for (const element of kind.value.elements) visit(element, bound);
        return;
      case 'structExpr':
        for (const entry of kind.value.entries) {
          if (entry.keyKind.case === 'mapKey') visit(entry.keyKind.value, bound);
          visit(entry.value, bound);
        }
        return;
      case 'comprehensionExpr': {
        const c = kind.value;
        visit(c.iterRange, bound);
        visit(c.accuInit, bound);
        const inner = new Set([...bound, c.iterVar, c.iterVar2, c.accuVar].filter((v) => v !== ''));
        visit(c.loopCondition, inner);
        visit(c.loopStep, inner);
        visit(c.result, inner);
        return;
      }
      default:
        return;
    }
  };
  visit(root, new Set());
  return [...problems];
}

function findExpr(expr: Expr | undefined, id: bigint): Expr | undefined {
  if (!expr) return undefined;
  if (expr.id === id) return expr;
  const kind = expr.exprKind;
  switch (kind.case) {
    case 'selectExpr':
      return findExpr(kind.value.operand, id);
    case 'callExpr':
      return [kind.value.target, ...kind.value.args].map((e) => findExpr(e, id)).find(Boolean);
    case 'listExpr':
      return kind.value.elements.map((e) => findExpr(e, id)).find(Boolean);
    case 'structExpr':
      return kind.value.entries
        .flatMap((entry) => [entry.keyKind.case === 'mapKey' ? entry.keyKind.value : undefined, entry.value])
        .map((e) => findExpr(e, id))
        .find(Boolean);
    case 'comprehensionExpr': {
      const c = kind.value;
      return [c.iterRange, c.accuInit, c.loopCondition, c.loopStep, c.result].map((e) => findExpr(e, id)).find(Boolean);
    }
    default:
      return undefined;
  }
}
