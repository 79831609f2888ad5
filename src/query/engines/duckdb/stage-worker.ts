/** A staging thread (stage-pool.ts): stages each file it is handed and says how it went. */
import { parentPort } from 'node:worker_threads';
import { runStageTask, type StageTask } from './stage-task.js';

parentPort?.on('message', (message: { id: number; task: StageTask }) => {
  let outcome;
  try {
    outcome = runStageTask(message.task);
  } catch (error) {
    outcome = { ok: false, problem: `cannot be staged (${error instanceof Error ? error.message : String(error)})` };
  }
  parentPort?.postMessage({ id: message.id, outcome });
});
