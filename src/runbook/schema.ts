/**
 * The runbook format: one zod schema that validates every file in `runbooks/`, and is
 * exported as JSON Schema (`ctrb schema`) so editors validate runbooks as they are typed.
 */
import { noteMentionProblems } from './mentions.js';
import { z } from 'zod';
import { SEVERITIES } from '../model/severity.js';
import { portableQuerySchema, rawQuerySchema } from '../query/definition.js';

export const PARAM_TYPES = [
  'duration',
  'time',
  'enum',
  'account',
  'region',
  'arn',
  'access_key_id',
  'iam_user',
  'ip',
  'cidr',
  'number',
  'string',
] as const;
export type ParamType = (typeof PARAM_TYPES)[number];

/**
 * Values a parameter may take from where the runbook runs rather than from the person running
 * it (src/runbook/derived.ts): the organization's own accounts, the regions it works in, the
 * principals its deployment pipelines act as.
 */
export const DERIVED_VALUES = ['own_accounts', 'own_regions', 'pipeline_principals'] as const;
export type DerivedValue = (typeof DERIVED_VALUES)[number];

/**
 * `detection`: looks at everything in a window (a sweep runs it). `investigation`: follows one
 * subject a person names (a key, a principal), so a sweep lists it rather than running it.
 */
export const RUNBOOK_KINDS = ['detection', 'investigation'] as const;
export type RunbookKind = (typeof RUNBOOK_KINDS)[number];

/**
 * What a result column names, so a run offers the next runbook on it (a pivot): a principal's
 * ARN, an access key id, a source address, or any other ARN. Declared per runbook (`columns`),
 * accepted per runbook (`accepts`): the pivots come from the YAML, not from code.
 */
export const SUBJECT_KINDS = ['principal', 'access_key_id', 'ip', 'arn'] as const;
export type SubjectKindName = (typeof SUBJECT_KINDS)[number];

/** The parameter types a value of each kind may fill (a `string` parameter checks it with its pattern). */
export const SUBJECT_PARAM_TYPES: Readonly<Record<SubjectKindName, readonly ParamType[]>> = {
  principal: ['arn', 'string'],
  access_key_id: ['access_key_id', 'string'],
  ip: ['ip', 'string'],
  arn: ['arn', 'string'],
};

const id = z
  .string()
  .regex(/^[a-z][a-z0-9_-]*$/, 'use lower-case letters, digits, "-" and "_", starting with a letter');
/** The names of runbooks, steps and parameters. */
export const nameSchema = id;

/** `30m`, `24h`, `7d`, `1w`, or combinations such as `1h30m`. */
export const durationText = z
  .string()
  .regex(/^(\d+[smhdw])+$/, 'a duration such as 30m, 24h, 7d or 1h30m');

const paramDefault = z.union([z.string(), z.number(), z.array(z.union([z.string(), z.number()]))]);

/** The parameter type each derived value has. */
export const DERIVED_TYPES: Readonly<Record<DerivedValue, ParamType>> = {
  own_accounts: 'account',
  own_regions: 'region',
  pipeline_principals: 'arn',
};

export const paramSchema = z
  .object({
    type: z.enum(PARAM_TYPES),
    description: z.string().optional(),
    required: z.boolean().default(false),
    list: z.boolean().default(false).describe('accept a comma-separated list of values'),
    default: paramDefault.optional(),
    values: z.array(z.string()).min(1).optional().describe('the allowed values of an enum'),
    pattern: z.string().optional().describe('a regular expression a string value must match'),
    min: z.number().int().optional().describe('the smallest value a number parameter takes'),
    max: z.number().int().optional().describe('the largest value a number parameter takes'),
    example: z.string().optional(),
    derive: z
      .enum(DERIVED_VALUES)
      .optional()
      .describe('when not given, take the value from the configuration (and, in a sweep, the logs): own_accounts, own_regions or pipeline_principals'),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.type === 'enum' && !p.values) {
      ctx.addIssue({ code: 'custom', message: 'an enum parameter needs `values`', path: ['values'] });
    }
    if (p.type !== 'enum' && p.values) {
      ctx.addIssue({ code: 'custom', message: '`values` is only for enum parameters', path: ['values'] });
    }
    if (p.pattern !== undefined && p.type !== 'string') {
      ctx.addIssue({ code: 'custom', message: '`pattern` is only for string parameters', path: ['pattern'] });
    }
    if (p.type !== 'number' && (p.min !== undefined || p.max !== undefined)) {
      ctx.addIssue({ code: 'custom', message: '`min` and `max` are only for number parameters', path: [p.min !== undefined ? 'min' : 'max'] });
    }
    if (p.min !== undefined && p.max !== undefined && p.min > p.max) {
      ctx.addIssue({ code: 'custom', message: `min ${p.min} is more than max ${p.max}`, path: ['min'] });
    }
    if (p.type === 'number' && p.list) {
      ctx.addIssue({ code: 'custom', message: 'a number parameter takes one value (`list` is not for numbers)', path: ['list'] });
    }
    if (p.type === 'number' && p.default !== undefined) {
      const d = p.default;
      const ok = typeof d === 'number' && Number.isSafeInteger(d) && (p.min === undefined || d >= p.min) && (p.max === undefined || d <= p.max);
      if (!ok) ctx.addIssue({ code: 'custom', message: `the default of a number parameter must be a whole number${p.min !== undefined || p.max !== undefined ? ` within its min and max` : ''}, written without quotes`, path: ['default'] });
    }
    if (p.derive !== undefined && !p.list) {
      ctx.addIssue({ code: 'custom', message: '`derive` gives a list: the parameter needs `list: true`', path: ['derive'] });
    }
    if (p.derive !== undefined && p.type !== DERIVED_TYPES[p.derive]) {
      ctx.addIssue({ code: 'custom', message: `\`derive: ${p.derive}\` gives values of type ${DERIVED_TYPES[p.derive]}`, path: ['derive'] });
    }
    if (p.pattern !== undefined) {
      try {
        new RegExp(p.pattern);
      } catch (e) {
        ctx.addIssue({ code: 'custom', message: `pattern does not compile: ${(e as Error).message}`, path: ['pattern'] });
      }
    }
  });
export type ParamSpec = z.infer<typeof paramSchema>;

const reference = z.union([
  z.string(),
  z
    .object({ id: z.string(), title: z.string().optional(), url: z.string().url().optional() })
    .strict(),
]);

/** A CEL-driven finding: `when` is evaluated per row of `for_each`, or once. */
export const checkSchema = z
  .object({
    id: id.optional(),
    for_each: id.optional().describe('evaluate once per row of this earlier step, with `row` bound'),
    when: z.string().describe('CEL expression; a finding is raised when it is true'),
    severity: z.enum(SEVERITIES),
    message: z.string().describe('text with {{ CEL }} interpolations, e.g. {{row.sourceIPAddress}}'),
    evidence: id.optional().describe('for checks without for_each: the step whose rows back the finding'),
  })
  .strict();
export type CheckSpec = z.infer<typeof checkSchema>;

export const approvalPolicySchema = z
  .object({
    approvers: z
      .array(z.string().regex(/^(U[A-Z0-9]+|W[A-Z0-9]+|@[a-z0-9][a-z0-9._-]*|S[A-Z0-9]+)$/, 'a Slack user id (U…), a user-group handle (@name) or a group id (S…)'))
      .default([]),
    min_approvals: z.number().int().min(1).max(10).default(1),
    expires_in: durationText.default('1h'),
    allow_self_approval: z.boolean().default(false),
  })
  .strict();
export type ApprovalPolicy = z.infer<typeof approvalPolicySchema>;

/**
 * A gate nobody can open only ever expires: say so when the runbook is read, not at 3 a.m.
 * (The approval store takes any policy; a click on such a gate is refused, naming why.)
 */
function approvableByPeopleNamed(policy: ApprovalPolicy, ctx: z.RefinementCtx): void {
  if (policy.approvers.length === 0) {
    ctx.addIssue({ code: 'custom', path: ['approvers'], message: 'name at least one approver (a Slack user id U…, or a user group @handle or S…): nobody could approve this step' });
    return;
  }
  const people = new Set(policy.approvers);
  const groups = policy.approvers.some((a) => a.startsWith('@') || a.startsWith('S'));
  if (!groups && policy.min_approvals > people.size) {
    ctx.addIssue({
      code: 'custom',
      path: ['min_approvals'],
      message: `${policy.min_approvals} distinct approvals are needed but only ${people.size} approver${people.size === 1 ? ' is' : 's are'} named: the step could never be approved`,
    });
  }
}

export const remediateSchema = z
  .object({
    action: z.string().regex(/^[a-z0-9]+\.[a-z0-9-]+$/, 'an action name such as iam.deactivate-access-key'),
    for_each: id.optional().describe('one target per distinct inputs over this step\'s rows'),
    where: z.string().optional().describe('CEL over row: only the for_each rows for which it is true are targets, e.g. row.ips > 1'),
    inputs: z.record(z.string(), z.string()).describe('input name → CEL expression over row / params'),
    // Required: a remediation nobody is named to approve could only ever expire.
    approval: approvalPolicySchema.superRefine(approvableByPeopleNamed).describe('who approves, how many, for how long (default 1h), and whether the requester may'),
  })
  .strict()
  .refine((r) => r.where === undefined || r.for_each !== undefined, { message: '`where` picks among the rows of `for_each`: name that step too', path: ['where'] });
export type RemediateSpec = z.infer<typeof remediateSchema>;

/**
 * "Was the caller allowed to?": for each distinct (caller, action, resource) among an earlier
 * step's rows, IAM's policy simulator answers allowed, explicitly denied or implicitly denied,
 * and by which statement (src/verify/).
 */
export const verifyAccessSchema = z
  .object({
    for_each: id.describe('the earlier query step whose rows name the calls to verify'),
    principal: z.string().describe('CEL: the caller\'s ARN, e.g. row.principal (userIdentity.arn): an IAM user, a role or an assumed-role session'),
    issuer: z
      .string()
      .optional()
      .describe('CEL: for assumed-role sessions, the role\'s own ARN (userIdentity.sessionContext.sessionIssuer.arn), which keeps its path'),
    action: z.string().describe('CEL: the IAM action, e.g. "s3:" + row.eventName (S3 API names are turned into the permissions they need)'),
    resource: z.string().optional().describe('CEL: the resource ARN, e.g. "arn:aws:s3:::" + row.bucket; every resource (*) when absent'),
    context: z
      .record(z.string().regex(/^[A-Za-z0-9]+:[\w/.-]+$/, 'a condition key such as aws:SourceIp'), z.string())
      .default({})
      .describe('condition key → CEL, the request context the simulator is given, e.g. "aws:SourceIp": row.sourceIPAddress'),
    limit: z.number().int().min(1).max(100).default(20).describe('at most this many questions (one IAM call each); the rest are counted'),
  })
  .strict();
export type VerifyAccessSpec = z.infer<typeof verifyAccessSchema>;

const stepBase = {
  id,
  title: z.string().optional(),
  description: z.string().optional(),
  when: z.string().optional().describe('CEL: run this step only when true'),
};

export const stepSchema = z.union([
  z.object({ ...stepBase, query: portableQuerySchema }).strict(),
  z.object({ ...stepBase, raw: rawQuerySchema }).strict(),
  z.object({ ...stepBase, check: z.array(checkSchema).min(1) }).strict(),
  z.object({ ...stepBase, remediate: remediateSchema }).strict(),
  z.object({ ...stepBase, verify_access: verifyAccessSchema }).strict(),
  z.object({ ...stepBase, note: z.string().min(1) }).strict(),
]);
export type StepSpec = z.infer<typeof stepSchema>;

export const runbookSchema = z
  .object({
    $schema: z.string().optional(),
    id,
    aliases: z.array(id).default([]).describe('other names it answers to (`root-login` for root-activity), in the terminal and in Slack'),
    title: z.string().min(1),
    summary: z.string().min(1),
    kind: z
      .enum(RUNBOOK_KINDS)
      .default('detection')
      .describe('detection: looks at a whole window, and a sweep runs it; investigation: follows one subject a person names, and a sweep lists it'),
    severity: z.enum(SEVERITIES),
    references: z.array(reference).default([]),
    tags: z.array(z.string()).default([]),
    window: z
      .object({ default: durationText.default('24h') })
      .strict()
      .default({ default: '24h' })
      .describe('the default look-back when `since` is not given'),
    params: z.record(id, paramSchema).default({}),
    triggers: z
      .object({ alarms: z.array(z.string().min(1)).default([]) })
      .strict()
      .default({ alarms: [] }),
    access: z
      .object({
        channels: z.array(z.string()).optional().describe('Slack channel ids this runbook may be started from'),
        users: z.array(z.string()).optional().describe('Slack user ids or @group handles who may start it'),
      })
      .strict()
      .default({}),
    mentions: z
      .array(z.string().min(1))
      .default([])
      .describe('what the notes may point at in Slack: user (U…), group (S…) or channel (C…) ids, and the real address of a link shown as another address'),
    columns: z
      .record(z.string().min(1), z.enum(SUBJECT_KINDS))
      .default({})
      .describe('result column (or alias) → what it names: principal, access_key_id, ip or arn; its values offer the runbooks that accept that kind'),
    accepts: z
      .partialRecord(z.enum(SUBJECT_KINDS), id)
      .default({})
      .describe('kind of value → the parameter it fills: other runbooks\' results offer a button that starts this runbook on such a value'),
    timeline: z
      .object({ step: id.describe('the query step whose rows (eventTime, eventSource, eventName, errorCode) are drawn') })
      .strict()
      .optional()
      .describe('draw the activity over the window as a picture at the end of a run'),
    steps: z.array(stepSchema).min(1),
  })
  .strict()
  .superRefine(sweepable)
  .superRefine(declaredMentions)
  .superRefine(pivotsAndTimeline);
export type Runbook = z.infer<typeof runbookSchema>;

/**
 * The checks across a whole runbook (sweepable detections, declared mentions, pivots and
 * timeline), as problems with their paths. zod runs them only once every field is valid;
 * `ctrb validate` runs them on what it could read of a file that has other problems too.
 */
export function runbookWideProblems(runbook: Runbook): { path: PropertyKey[]; message: string }[] {
  const problems: { path: PropertyKey[]; message: string }[] = [];
  const ctx = { addIssue: (issue: { path?: PropertyKey[]; message?: string }) => void problems.push({ path: issue.path ?? [], message: issue.message ?? '' }) } as unknown as z.RefinementCtx;
  sweepable(runbook, ctx);
  declaredMentions(runbook, ctx);
  pivotsAndTimeline(runbook, ctx);
  return problems;
}

/** A note's mentions, channel links and disguised links must be declared (src/runbook/mentions.ts). */
function declaredMentions(runbook: { mentions: string[]; steps: StepSpec[] }, ctx: z.RefinementCtx): void {
  runbook.steps.forEach((step, i) => {
    if (!('note' in step)) return;
    for (const message of noteMentionProblems(step.note, runbook.mentions)) ctx.addIssue({ code: 'custom', path: ['steps', i, 'note'], message });
  });
}

/**
 * A detection runs in every sweep, where nobody is there to name a subject: each parameter it
 * must be given needs a default or a value derived from the configuration. One that follows a
 * named subject is an investigation, and says so.
 */
function sweepable(runbook: { kind: RunbookKind; params: Record<string, ParamSpec> }, ctx: z.RefinementCtx): void {
  if (runbook.kind !== 'detection') return;
  for (const [name, spec] of Object.entries(runbook.params)) {
    if (spec.required && spec.default === undefined && spec.derive === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['params', name, 'required'],
        message: `a sweep cannot name ${name}: give it a default or \`derive\`, or mark the runbook \`kind: investigation\` if it follows one subject`,
      });
    }
  }
}

/** `accepts` names declared parameters of a fitting type; `timeline` names a query step. */
function pivotsAndTimeline(
  runbook: { params: Record<string, ParamSpec>; accepts: Partial<Record<SubjectKindName, string>>; timeline?: { step: string }; steps: StepSpec[] },
  ctx: z.RefinementCtx,
): void {
  for (const [kind, name] of Object.entries(runbook.accepts) as Array<[SubjectKindName, string]>) {
    const spec = runbook.params[name];
    if (!spec) {
      ctx.addIssue({ code: 'custom', path: ['accepts', kind], message: `no parameter named ${name}` });
    } else if (spec.list || !SUBJECT_PARAM_TYPES[kind].includes(spec.type)) {
      ctx.addIssue({ code: 'custom', path: ['accepts', kind], message: `a ${kind} value fills a single parameter of type ${SUBJECT_PARAM_TYPES[kind].join(' or ')}; ${name} is ${spec.list ? 'a list' : spec.type}` });
    }
  }
  if (runbook.timeline) {
    const step = runbook.steps.find((s) => s.id === runbook.timeline!.step);
    if (!step || !('query' in step)) ctx.addIssue({ code: 'custom', path: ['timeline', 'step'], message: `${runbook.timeline.step} is not a query step of this runbook` });
  }
}

/** Every runbook accepts these without declaring them: the time window of the run. */
export { WINDOW_PARAMS } from './window-params.js';

export function runbookJsonSchema(): unknown {
  return z.toJSONSchema(runbookSchema, { io: 'input', unrepresentable: 'any' });
}
