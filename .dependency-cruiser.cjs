/**
 * The floors of src/, lowest first (docs/architecture.md draws them). A folder imports only
 * the floors beneath it, never one above: checked by `npm run lint` and by
 * test/architecture/layering.test.ts, so CI fails on an upward import.
 */
const FLOORS = [
  'log', // how every process logs and is measured: pino with secrets redacted, prom-client metrics, the ops endpoints
  'model', // the shared vocabulary: imports nothing of the project
  'aws', // AWS clients, credentials, roles
  'query', // portable queries → dialects, and the engines that run them
  'runbook', // the runbook format, parameters, CEL checks
  'sample', // the sample log generator and where a run's logs are
  'remediation', // the action catalogue: plan, execute, verify, undo
  'verify', // verify_access: IAM's policy simulator on a step's rows
  'run', // the step runner, run state, the reporter interface
  'evidence', // what a finished run leaves: the timeline picture, the evidence bundle
  'queue', // BullMQ queues, job data, producers
  'approval', // the gate lifecycle: open, decide, expire, execute once, undo; a notifier interface
  'slack', // Bolt app, listeners, Block Kit rendering, the Slack reporter and notifier
  'config', // the environment read once, at the front door
  'worker', // BullMQ job handlers and the worker process
  'terminal', // the ctrb commands and the terminal reporter
  'bot', // the bot process
  'cli', // the ctrb entry point
];

/** A floor is a folder (src/run/) or a file of the same name at the top (src/config.ts). */
const floor = (names) => `^src/(${names.join('|')})(/|\\.ts$)`;

const upward = FLOORS.slice(0, -1).map((name, i) => ({
  name: `${name}-imports-only-floors-beneath`,
  comment: `src/${name} may import only ${i === 0 ? 'itself' : FLOORS.slice(0, i).join(', ')}: ${FLOORS.slice(i + 1).join(', ')} are above it`,
  severity: 'error',
  from: { path: floor([name]) },
  to: { path: floor(FLOORS.slice(i + 1)) },
}));

module.exports = {
  forbidden: [
    ...upward,
    {
      name: 'front-door-calls-no-back-end',
      comment: 'the bot enqueues jobs; it never calls the worker’s handlers (approval/ holds what both need)',
      severity: 'error',
      from: { path: floor(['bot']) },
      to: { path: floor(['worker']) },
    },
    {
      name: 'only-slack-renders-block-kit',
      comment: 'Block Kit is rendered in src/slack/ only: other rooms say what happened through an interface slack/ implements',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/slack/' },
      to: { path: '^src/slack/render/' },
    },
    {
      name: 'no-folder-cycles',
      comment: 'no import cycle may cross folders',
      severity: 'error',
      from: { path: '^src/([^/]+)/' },
      to: { circular: true, path: '^src/', pathNot: '^src/$1/' },
    },
    {
      name: 'no-test-code-in-src',
      comment: 'fakes of Slack and AWS live in test/, never in src/',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(test|bench)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js'] },
    moduleSystems: ['es6', 'cjs'],
  },
};
