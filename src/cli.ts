/**
 * `ctrb`: the front door. Each command's work lives in src/terminal/commands/; this file
 * only wires arguments to them and turns errors into clear messages and exit codes.
 *
 * Exit codes: 0 done; 1 a run failed; 2 bad input (unknown runbook, bad parameter,
 * invalid runbook file, no logs); 3 `--fail-on` threshold reached.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { BUILTIN_RUNBOOK_DIR } from './runbook/library.js';
import { exitCodeFor, printError } from './terminal/errors.js';
import { SEVERITIES } from './model/severity.js';
import { ENGINE_NAMES } from './model/query.js';
import { cacheSettingsFromEnv } from './query/engines/duckdb/cache/settings.js';
import { openRunbookMemo, type RunbookMemo } from './runbook/memo.js';

// Every command's module is imported only when that command runs: `ctrb list` must not pay
// for the AWS SDK, Bolt, BullMQ, DuckDB or vega that run, bot and worker load (start-up is
// most of what a catalogue command costs). test/cli/lazy-loading.test.ts holds this.
const catalogue = () => import('./terminal/commands/catalogue.js');

const program = new Command()
  .name('ctrb')
  .description('CloudTrail query runbooks: investigate, check, and plan remediation')
  .option('--runbooks <dir>', 'runbook directory', process.env.CTRB_RUNBOOKS ?? BUILTIN_RUNBOOK_DIR)
  .showHelpAfterError()
  // Commander's own refusals (an unknown option, a value not among the choices) throw, so
  // that they exit 2 like every other bad input; subcommands inherit this.
  .exitOverride();

/** A whole number of at least `min`, for numeric options; anything else is refused, naming the option. */
const wholeNumber =
  (min: number) =>
  (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min) throw new InvalidArgumentError(`Must be a whole number of at least ${min}.`);
    return n;
  };

const runbooksDir = (): string => program.opts<{ runbooks: string }>().runbooks;

/**
 * The runbooks this build has parsed before (src/runbook/memo.ts), kept in the cache folder.
 * Only a build has one: dist/build-stamp.json sits beside dist/cli.js, and there is no stamp
 * beside src/cli.ts. A CTRB_CACHE value that is not on or off only turns the memo off here;
 * the commands that read logs report it.
 */
function runbookMemo(): RunbookMemo | undefined {
  let cacheDir: string | undefined;
  try {
    cacheDir = cacheSettingsFromEnv()?.dir;
  } catch {
    cacheDir = undefined;
  }
  return openRunbookMemo(new URL('./build-stamp.json', import.meta.url), cacheDir);
}

/**
 * The one grammar of run, explain and sweep: the window and every runbook parameter as
 * `name=value` or `--name value` alike (src/runbook/params.ts reads both). `--since` and
 * `--until` are declared for the help; other `--name value` pairs reach the parameters.
 */
const paramOptions = (command: Command): Command =>
  command
    .option('--since <when>', 'start of the window: a duration back from now (30m, 24h, 7d) or an ISO 8601 time; same as since=…')
    .option('--until <time>', 'end of the window (ISO 8601); same as until=…')
    .allowUnknownOption();
const windowWords = (o: { since?: string; until?: string }): string[] => [
  ...(o.since !== undefined ? [`--since=${o.since}`] : []),
  ...(o.until !== undefined ? [`--until=${o.until}`] : []),
];
const failOn = new Option('--fail-on <severity>', 'exit 3 when a finding of this severity or worse is raised').choices(SEVERITIES);

program
  .command('list')
  .description('list the runbooks')
  .option('--json', 'machine-readable output')
  .action(async (o) => (await catalogue()).listCommand(runbooksDir(), o, runbookMemo()));

program
  .command('show')
  .description('show a runbook: summary, references, parameters, triggers, steps')
  .argument('<runbook>')
  .action(async (name) => (await catalogue()).showCommand(runbooksDir(), name, runbookMemo()));

program
  .command('validate')
  .description('check runbook files: schema, CEL expressions, and every query compiled for every engine')
  .argument('[files...]', 'runbook files, or folders of them (default: the whole runbook directory)')
  .option('--slack', 'also look every approver up in the Slack workspace (with SLACK_BOT_TOKEN, as the bot)')
  .action(async (files, o: { slack?: boolean }) =>
    (await import('./terminal/commands/validate.js')).validateCommand(runbooksDir(), files, { ...o, memo: runbookMemo() }),
  );

paramOptions(program.command('run'))
  .description('run a runbook on local CloudTrail logs (the bundled sample when --logs is not given)')
  .argument('<runbook>')
  .argument('[params...]', 'parameters as name=value or --name value, e.g. since=24h user=alice')
  .option('--logs <dir>', 'CloudTrail logs: an S3-layout tree, .json files, or lookup-events output')
  .option('--json', 'print one machine-readable result')
  .option('--max-rows <n>', 'rows shown per query step', wholeNumber(1), 20)
  .option('--no-cache', 'parse the logs again: neither read nor fill the cache of parsed events')
  .option('--timeline <file.png>', "draw the run's activity over the window as a PNG (runbooks that name a timeline step)")
  .option('--evidence <dir>', "write the evidence bundle: every step's rows as CSV and JSON, findings, plans, manifest.json with SHA-256s")
  .addOption(failOn)
  .action(async (name, params, o) => void (await (await import('./terminal/commands/run.js')).runCommand(runbooksDir(), name, [...params, ...windowWords(o)], o, runbookMemo())));

paramOptions(program.command('explain'))
  .description("print each step's exact statement and bound parameters for an engine")
  .argument('<runbook>')
  .argument('[params...]', 'parameters as name=value or --name value')
  .addOption(new Option('--engine <engine>', 'query engine').choices(ENGINE_NAMES).default('duckdb'))
  .option('--logs <dir>', 'the logs a run would read: "now" is their end on the bundled sample, as for ctrb run')
  .action(async (name, params, o) => (await import('./terminal/commands/explain.js')).explainCommand(runbooksDir(), name, [...params, ...windowWords(o)], o, runbookMemo()));

paramOptions(program.command('sweep'))
  .description("run every runbook's detection steps over a log set and list the findings")
  .argument('[params...]', 'the window (since=7d, default 24h) and runbook parameters, as name=value or --name value')
  .option('--logs <dir>', 'CloudTrail logs (default: the bundled sample)')
  .option('--json', 'print the findings as JSON')
  .option('--no-cache', 'parse the logs again: neither read nor fill the cache of parsed events')
  .addOption(new Option('--fail-on <severity>', 'exit 3 when a finding of this severity or worse is raised').choices(SEVERITIES))
  .action(async (params, o) => void (await (await import('./terminal/commands/sweep.js')).sweepCommand(runbooksDir(), { ...o, params, memo: runbookMemo() })));

program
  .command('schema')
  .description('print the runbook JSON Schema (for editors)')
  .option('--out <file>', 'write it to a file instead')
  .action(async (o) => (await catalogue()).schemaCommand(o));

program
  .command('sample')
  .description('generate a CloudTrail log tree (S3 layout) with background traffic and planted incidents')
  .requiredOption('--out <dir>', 'output directory')
  .option('--events <n>', 'number of events', wholeNumber(1000), 100_000)
  .option('--days <n>', 'days covered', wholeNumber(1), 2)
  .option('--seed <n>', 'random seed (same seed, same bytes)', wholeNumber(0), 1)
  .option('--end <time>', 'end of the generated span (ISO 8601); default now, rounded down to the hour')
  .option('--overwrite', 'replace the logs already in --out')
  .action(async (o) => (await import('./terminal/commands/sample.js')).sampleCommand(o));

program
  .command('bot')
  .description('serve the Slack app: /investigate, alarm threads, approval buttons (configured from the environment)')
  .action(async () => (await import('./bot/commands.js')).botCommand({ runbooksDir: runbooksDir() }));

program
  .command('audit')
  .description('print the audit trail (approvals, runs started, pivots, evidence exports) as JSON lines')
  .option('--since <when>', 'from this long ago (24h, 7d) or an ISO 8601 time; default everything')
  .option('--runbook <id>', 'only entries about this runbook')
  .option('--user <id>', 'only entries this person acted in (a Slack user id)')
  .option('--kind <event>', 'only entries of this kind: run_started, pivot, evidence_exported, requested, decision, refused, expired, executed, failed')
  .action(async (o) => (await import('./bot/commands.js')).auditCliCommand(o));

program
  .command('worker')
  .description('run the queue workers: runbook runs and approved remediations (configuration from the environment)')
  .action(async () => (await import('./worker/command.js')).workerCommand({ ...process.env, CTRB_RUNBOOKS: runbooksDir() }));

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) {
    // Commander has printed its message (and the usage); --help and --version end with 0.
    process.exitCode = e.exitCode === 0 ? 0 : 2;
  } else {
    printError(e);
    process.exitCode = exitCodeFor(e);
  }
}
