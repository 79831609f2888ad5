/**
 * Every runbook, run on the bundled sample with the DuckDB engine and the parameters the
 * manifest gives, finds the incident planted for it: its findings cite every event of the
 * incident, the checks the manifest names raise it at medium or worse, and the run completes
 * (no query, check or remediation plan fails).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { TimeWindow } from '../../src/model/query.js';
import { createDuckDbEngine } from '../../src/query/engines/duckdb/index.js';
import { BUILTIN_RUNBOOK_DIR } from '../../src/runbook/library.js';
import { MANIFEST_FILE } from '../../src/sample/manifest.js';
import { parseRunbook } from '../../src/runbook/load.js';
import { resolveParams } from '../../src/runbook/params.js';
import { newRunContext } from '../../src/run/context.js';
import { prepareRunbook } from '../../src/run/prepare.js';
import { runRunbook } from '../../src/run/runner.js';
import { shareOneSession, type SharedEngine } from '../../src/run/shared-engine.js';
import type { Reporter } from '../../src/run/reporter.js';
import { BUNDLED_SAMPLE_DIR } from '../../src/sample/make-bundled-sample.js';
import type { SampleManifest } from '../../src/sample/manifest.js';
import { SEVERITIES } from '../../src/model/severity.js';

const manifest = JSON.parse(readFileSync(join(BUNDLED_SAMPLE_DIR, MANIFEST_FILE), 'utf8')) as SampleManifest;
const now = new Date(manifest.end);
const silent: Reporter = { runStarted() {}, stepFinished() {}, runFinished() {} };

// Runs over the same window share one loaded session: the sample is read once per window.
const engines = new Map<string, SharedEngine>();
function engineFor(window: TimeWindow): SharedEngine {
  const key = `${window.start.toISOString()}/${window.end.toISOString()}`;
  let engine = engines.get(key);
  if (!engine) {
    engine = shareOneSession(createDuckDbEngine({ logsDir: join(BUNDLED_SAMPLE_DIR, 'AWSLogs'), threads: 2 }));
    engines.set(key, engine);
  }
  return engine;
}
afterAll(async () => {
  for (const e of engines.values()) await e.close();
});

describe('the runbook library on the bundled sample', () => {
  it.each(manifest.incidents.map((i) => [i.runbook, i.id, i] as const))('%s finds %s', async (runbookId, _id, incident) => {
    const runbook = parseRunbook(readFileSync(join(BUILTIN_RUNBOOK_DIR, `${runbookId}.yaml`), 'utf8'), `${runbookId}.yaml`);
    const { params, window } = resolveParams(runbook, incident.params, { now });
    const ctx = newRunContext({ runbookId, params, window, requestedBy: 'terminal:test', source: 'terminal' });
    const result = await runRunbook(prepareRunbook(runbook), ctx, { engine: engineFor(window), reporter: silent, gates: 'plan' });

    const failed = result.steps.filter((s) => s.status === 'failed').map((s) => `${s.stepId}: ${s.reason}`);
    expect(failed).toEqual([]);
    expect(result.status).toBe('completed');
    const cited = new Set(result.findings.flatMap((f) => f.eventIDs));
    const missed = incident.eventIDs.filter((id) => !cited.has(id));
    expect(missed, `${incident.description}\nfindings:\n${result.findings.map((f) => `  [${f.severity}] ${f.message}`).join('\n')}`).toEqual([]);
    // Each finding the manifest names is raised, at medium or worse, on the incident's events.
    const planted = new Set(incident.eventIDs);
    const raised = new Set(result.findings.filter((f) => SEVERITIES.indexOf(f.severity) >= SEVERITIES.indexOf('medium') && f.eventIDs.some((id) => planted.has(id))).map((f) => f.check));
    expect(incident.findings.filter((check) => !raised.has(check))).toEqual([]);
  });
});
