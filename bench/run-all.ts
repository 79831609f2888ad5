/** `npm run bench`: every benchmark in turn, each printing its own figures. */
import { main as aws } from './aws.js';
import { main as detection } from './detection.js';
import { main as engine } from './engine.js';
import { main as slack } from './slack.js';
import { main as startup } from './startup.js';
import { main as worker } from './worker.js';

const benches: [string, () => Promise<void>][] = [
  ['startup', startup],
  ['engine', engine],
  ['slack', slack],
  ['worker', worker],
  ['aws', aws],
  ['detection', detection],
];
const only = process.argv[2];
for (const [name, run] of benches) {
  if (only && only !== name) continue;
  await run();
}
