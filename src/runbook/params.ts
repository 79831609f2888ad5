/**
 * Runbook parameters: from `name=value` tokens (terminal or Slack) to typed, normalized
 * values and the run's time window. Everything wrong with the input is refused at once, in
 * one error that lists every problem, before any query runs.
 */
import { distance } from 'fastest-levenshtein';
import type { TimeWindow } from '../model/query.js';
import type { ParamValue, ResolvedParams } from '../model/run.js';
import { MAX_DURATION_MS, parseDuration } from '../model/values/duration.js';
import { parseIsoTime, readIsoTime } from '../model/values/time.js';
import { PARAM_TYPE_RULES } from './param-types.js';
import { WINDOW_PARAMS, type ParamSpec, type Runbook } from './schema.js';

export interface ParamProblem {
  /** The parameter concerned, or the token that could not be read as `name=value`. */
  param: string;
  message: string;
}

/** Every problem with a run's parameters; its message is ready to show to the responder. */
export class ParamError extends Error {
  readonly problems: ParamProblem[];
  constructor(problems: ParamProblem[], context?: string) {
    const lines = problems.map((p) => `  - ${p.message}`).join('\n');
    super(`${context ? `${context}: ` : ''}invalid parameters\n${lines}`);
    this.name = 'ParamError';
    this.problems = problems;
  }
}

/**
 * The one grammar of parameters, in the terminal and in Slack alike: `name=value`,
 * `--name value` and `--name=value` are the same (`--since 30d` is `since=30d`), and a dash
 * in an option's name stands for the underscore (`--trusted-cidrs` is `trusted_cidrs`).
 * `["user=alice", "--cidrs", "10.0.0.0/8,192.168.0.0/16"]` → `{ user: 'alice', cidrs: '…' }`.
 * The value is everything after the first `=`, so values may themselves contain `=`.
 */
export function parseKeyValues(args: readonly string[]): Record<string, string> {
  const values: Record<string, string> = {};
  const problems: ParamProblem[] = [];
  for (const [name, value, token] of paramWords(args, problems)) {
    if (name === '') {
      problems.push({ param: token, message: `${show(token)} has no parameter name before "=" (e.g. since=24h)` });
      continue;
    }
    if (Object.hasOwn(values, name)) {
      problems.push({
        param: name,
        message: `${name}: given more than once (for several values, separate them with commas: ${name}=a,b)`,
      });
      continue;
    }
    values[name] = value;
  }
  if (problems.length > 0) throw new ParamError(problems);
  return values;
}

export type ParamsRunbook = Pick<Runbook, 'id' | 'params' | 'window'>;

export interface ResolvedRunParams {
  /** The runbook's declared parameters, validated and normalized; `since`/`until` are in `window`. */
  params: ResolvedParams;
  window: TimeWindow;
}

/**
 * Validates `input` against the runbook's parameters, applies defaults and works out the
 * time window. Throws a `ParamError` listing every problem.
 */
export function resolveParams(
  runbook: ParamsRunbook,
  input: Readonly<Record<string, string>>,
  opts: { now: Date },
): ResolvedRunParams {
  const problems: ParamProblem[] = [];
  const declared = Object.entries(runbook.params).filter(([name]) => !isWindowParam(name));

  for (const name of Object.keys(input)) {
    if (!isWindowParam(name) && !Object.hasOwn(runbook.params, name)) {
      problems.push(unknownParam(name, runbook));
    }
  }

  const params: ResolvedParams = {};
  for (const [name, spec] of declared) {
    const given = Object.hasOwn(input, name) ? input[name] : undefined;
    const value = resolveOne(name, spec, given, opts.now, problems);
    if (value !== undefined) params[name] = value;
  }

  const window = resolveWindow(runbook, input, opts.now, problems);
  if (problems.length > 0 || !window) throw new ParamError(problems, runbook.id);
  return { params, window };
}

/**
 * The guard against job data that was tampered with or made for another version of the
 * runbook: values resolved by resolveParams (at the front door) are checked with the same
 * type rules, without turning them back into text. Each value must be one its type's parser
 * gives back unchanged (its normal form), every name must be declared, required parameters
 * present, and the window a real one. Throws a `ParamError` listing every problem.
 */
export function checkResolvedParams(runbook: ParamsRunbook, resolved: { params: ResolvedParams; window: { start: string; end: string } }): void {
  const problems: ParamProblem[] = [];
  for (const [name, value] of Object.entries(resolved.params)) {
    const spec = Object.hasOwn(runbook.params, name) && !isWindowParam(name) ? runbook.params[name] : undefined;
    if (!spec) {
      problems.push(unknownParam(name, runbook));
      continue;
    }
    const items = Array.isArray(value) ? value : [value];
    // A number parameter's value is a number (an integer), every other type's a string.
    const itemType = spec.type === 'number' ? 'number' : 'string';
    if (Array.isArray(value) !== Boolean(spec.list) || items.some((item) => typeof item !== itemType)) {
      problems.push({ param: name, message: `${name}: not a value of this parameter's form (expected ${expectedForm(spec)})` });
      continue;
    }
    // A time parameter's normal form is absolute, so "now" plays no part here.
    for (const item of items) {
      const outcome = PARAM_TYPE_RULES[spec.type].parse(String(item), spec, new Date(0));
      if (!('value' in outcome) || outcome.value !== item) {
        problems.push({ param: name, message: `${name}: ${show(String(item))} is not ${PARAM_TYPE_RULES[spec.type].noun} in its normal form (expected ${expectedForm(spec)})` });
      }
    }
  }
  for (const [name, spec] of Object.entries(runbook.params)) {
    if (spec.required && !isWindowParam(name) && !Object.hasOwn(resolved.params, name)) {
      problems.push({ param: name, message: `${name}: required (expected ${expectedForm(spec)})` });
    }
  }
  const start = parseIsoTime(resolved.window.start);
  const end = parseIsoTime(resolved.window.end);
  if (!start || !end || start.getTime() >= end.getTime()) {
    problems.push({ param: 'since', message: `since/until: ${show(`${resolved.window.start} → ${resolved.window.end}`)} is not a time window (expected since earlier than until)` });
  }
  if (problems.length > 0) throw new ParamError(problems, runbook.id);
}

function isWindowParam(name: string): name is keyof typeof WINDOW_PARAMS {
  return Object.hasOwn(WINDOW_PARAMS, name);
}

function resolveOne(
  name: string,
  spec: ParamSpec,
  given: string | undefined,
  now: Date,
  problems: ParamProblem[],
): ParamValue | undefined {
  if (given !== undefined) return parseValue(name, spec, given, now, problems, '');
  if (spec.required) {
    problems.push({ param: name, message: `${name}: required (expected ${expectedForm(spec)})` });
    return undefined;
  }
  if (spec.default === undefined) return undefined;
  // Defaults are written by runbook authors and checked like typed values: a bad default
  // is reported as one, so the runbook gets fixed rather than the responder blamed.
  if (Array.isArray(spec.default)) {
    if (!spec.list) {
      problems.push({ param: name, message: `${name}: the default is a list but the parameter takes one value` });
      return undefined;
    }
    return parseItems(name, spec, spec.default.map(String), now, problems, 'default ');
  }
  return parseValue(name, spec, String(spec.default), now, problems, 'default ');
}

function parseValue(
  name: string,
  spec: ParamSpec,
  text: string,
  now: Date,
  problems: ParamProblem[],
  origin: string,
): ParamValue | undefined {
  if (!spec.list) return parseItem(name, spec, text, now, problems, origin);
  return parseItems(name, spec, text.split(','), now, problems, origin);
}

function parseItems(
  name: string,
  spec: ParamSpec,
  items: string[],
  now: Date,
  problems: ParamProblem[],
  origin: string,
): string[] | undefined {
  const before = problems.length;
  const values = items.map((item) => parseItem(name, spec, item.trim(), now, problems, origin));
  if (problems.length > before) return undefined;
  // Normalization can make two spellings equal (10.1.0.0/16 and 10.1.2.3/16): keep one.
  return [...new Set(values.map(String))];
}

function parseItem(
  name: string,
  spec: ParamSpec,
  text: string,
  now: Date,
  problems: ParamProblem[],
  origin: string,
): string | number | undefined {
  const rule = PARAM_TYPE_RULES[spec.type];
  if (text === '') {
    problems.push({ param: name, message: `${name}: ${origin}value is empty (expected ${expectedForm(spec)})` });
    return undefined;
  }
  const outcome = rule.parse(text, spec, now);
  if ('value' in outcome) return outcome.value;
  const what = outcome.reason ?? `is not ${rule.noun}`;
  problems.push({ param: name, message: `${name}: ${origin}${show(text)} ${what} (expected ${expectedForm(spec)})` });
  return undefined;
}

function expectedForm(spec: ParamSpec): string {
  const form = PARAM_TYPE_RULES[spec.type].expected(spec);
  return spec.list ? `${form}; several separated by commas` : form;
}

const SINCE_EXPECTED = 'a duration such as 24h or 7d, or an ISO 8601 time such as 2026-11-01T10:00:00Z';

/**
 * `until` is a time (default now); `since` is a look-back from `until` or a time (default
 * the runbook's `window.default`).
 */
function resolveWindow(
  runbook: ParamsRunbook,
  input: Readonly<Record<string, string>>,
  now: Date,
  problems: ParamProblem[],
): TimeWindow | undefined {
  const untilSpec = { ...WINDOW_PARAMS.until, required: false, list: false } satisfies ParamSpec;
  const untilText = Object.hasOwn(input, 'until') ? input.until : undefined;
  const untilValue = untilText === undefined ? now.toISOString() : parseItem('until', untilSpec, untilText, now, problems, '');
  const end = untilValue === undefined ? undefined : new Date(untilValue);

  const sinceText = Object.hasOwn(input, 'since') ? input.since! : runbook.window.default;
  const start = end && sinceStart(sinceText, end, problems);
  if (!start || !end) return undefined;
  if (start.getTime() >= end.getTime()) {
    problems.push({
      param: 'since',
      message: `since: the window would start at ${start.toISOString()}, not before until ${end.toISOString()} (expected since earlier than until)`,
    });
    return undefined;
  }
  return { start, end };
}

function sinceStart(text: string, end: Date, problems: ParamProblem[]): Date | undefined {
  // A duration looks back from the end of the window, so `since=2h until=<t>` is the two
  // hours before t, not the two hours before now.
  const lookBack = parseDuration(text);
  if (lookBack !== undefined && lookBack <= MAX_DURATION_MS) return new Date(end.getTime() - lookBack);
  const reading = lookBack === undefined ? readIsoTime(text) : undefined;
  if (reading && 'time' in reading) return reading.time;
  const outOfRange = reading && !reading.malformed ? reading.problem : undefined;
  const what = text === '' ? 'is empty' : (outOfRange ?? (lookBack === undefined ? 'is not a duration or a time' : 'is longer than ten years'));
  problems.push({ param: 'since', message: `since: ${show(text)} ${what} (expected ${SINCE_EXPECTED})` });
  return undefined;
}

function unknownParam(name: string, runbook: ParamsRunbook): ParamProblem {
  const known = [...Object.keys(runbook.params).filter((n) => !isWindowParam(n)), ...Object.keys(WINDOW_PARAMS)];
  const suggestion = closestName(name, known);
  const hint = suggestion ? `did you mean ${suggestion}? ` : '';
  return {
    param: name,
    message: `${name}: not a parameter of ${runbook.id} (${hint}it takes ${known.join(', ')})`,
  };
}

/**
 * The candidate nearest to `name`, when it is near enough to be a plausible typo: by
 * default a third of the name's length (at least 2) edits away.
 */
export function closestName(
  name: string,
  candidates: readonly string[],
  maxDistance = Math.max(2, Math.floor(name.length / 3)),
): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = distance(name.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return bestDistance <= maxDistance ? best : undefined;
}

/** Each word or option pair as [name, value, what the user wrote]; a word that is neither is a problem. */
function* paramWords(args: readonly string[], problems: ParamProblem[]): Generator<[string, string, string]> {
  for (let i = 0; i < args.length; i++) {
    const token = args[i]!;
    if (token.startsWith('--') && token.length > 2) {
      const eq = token.indexOf('=');
      const name = (eq === -1 ? token.slice(2) : token.slice(2, eq)).replaceAll('-', '_');
      if (eq !== -1) {
        yield [name, token.slice(eq + 1), token];
        continue;
      }
      const next = args[i + 1];
      if (next === undefined || (next.startsWith('--') && next.length > 2)) {
        problems.push({ param: name, message: `${token} needs a value (e.g. --since 24h, or since=24h)` });
        continue;
      }
      i++;
      yield [name, next, `${token} ${next}`];
      continue;
    }
    const eq = token.indexOf('=');
    if (eq === -1) {
      problems.push({ param: token, message: `${show(token)} is not name=value (e.g. since=24h or --since 24h)` });
      continue;
    }
    yield [token.slice(0, eq), token.slice(eq + 1), token];
  }
}

/** A value as it appears in a message: quoted, escaped, and cut short if very long. */
function show(value: string): string {
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
}
