/**
 * `ctrb run … --timeline t.png --evidence ev/` as a responder types it on the bundled sample:
 * a non-blank PNG, and a bundle whose manifest lists every file with a SHA-256 that matches it
 * and the row counts of the steps; the pivots printed as commands; bad targets refused before
 * anything runs.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import type { EvidenceManifest } from '../../src/evidence/bundle.js';
import { ctrb } from './ctrb.js';

const scratch = mkdtempSync(join(tmpdir(), 'ctrb-evidence-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const BOB = 'arn:aws:iam::123456789012:user/bob';

describe('ctrb run --timeline --evidence', () => {
  it('writes a non-blank timeline and a bundle whose manifest hashes match its files', async () => {
    const png = join(scratch, 't.png');
    const ev = join(scratch, 'ev');
    const out = await ctrb(['run', 'principal-activity', `principal=${BOB}`, '--timeline', png, '--evidence', ev]);
    expect(out.stderr).not.toContain('error');
    expect(out.code).toBe(0);

    const picture = PNG.sync.read(readFileSync(png));
    expect(picture.width).toBeGreaterThanOrEqual(960);
    const colours = new Set<number>();
    for (let i = 0; i < picture.data.length; i += 4) colours.add((picture.data[i]! << 16) | (picture.data[i + 1]! << 8) | picture.data[i + 2]!);
    expect(colours.size).toBeGreaterThan(20);

    const manifestBytes = readFileSync(join(ev, 'manifest.json'));
    const manifest = JSON.parse(manifestBytes.toString('utf8')) as EvidenceManifest;
    expect(out.stderr).toContain(createHash('sha256').update(manifestBytes).digest('hex'));
    expect(manifest.runbookId).toBe('principal-activity');
    const listed = manifest.files.map((f) => f.path).sort();
    expect(listed).toEqual(expect.arrayContaining(['run.json', 'findings.json', 'plans.json', 'steps/01-activity.csv', 'steps/01-activity.json']));
    for (const file of manifest.files) {
      const bytes = readFileSync(join(ev, file.path));
      expect(createHash('sha256').update(bytes).digest('hex'), file.path).toBe(file.sha256);
      expect(bytes.length).toBe(file.bytes);
    }
    // Every file on disk is in the manifest (and the manifest itself).
    const onDisk = [...readdirSync(ev).filter((f) => f !== 'steps'), ...readdirSync(join(ev, 'steps')).map((f) => `steps/${f}`)].sort();
    expect(onDisk).toEqual([...listed, 'manifest.json'].sort());

    const activity = manifest.files.find((f) => f.path === 'steps/01-activity.json')!;
    const rows = (JSON.parse(readFileSync(join(ev, activity.path), 'utf8')) as { rows: unknown[] }).rows;
    expect(activity.rows).toBe(rows.length);
    expect(rows.length).toBeGreaterThan(10);
    const findings = JSON.parse(readFileSync(join(ev, 'findings.json'), 'utf8')) as unknown[];
    expect(manifest.files.find((f) => f.path === 'findings.json')!.rows).toBe(findings.length);
    expect(findings.length).toBeGreaterThan(0);
    const run = JSON.parse(readFileSync(join(ev, 'run.json'), 'utf8')) as { params: Record<string, unknown>; window: { start: string } };
    expect(run.params.principal).toBe(BOB);
    expect(run.window.start).toBe('2026-10-27T00:00:00.000Z');

    // The pivots, ready to copy: the addresses bob acted from, over the same window.
    expect(out.stdout).toMatch(/ctrb run source-address-activity ip=[0-9.]+ since=2026-10-27T00:00:00.000Z until=2026-11-03T00:00:00.000Z/);
  });

  it('refuses a folder that already holds files, and a runbook that draws no timeline, before running', async () => {
    const full = join(scratch, 'full');
    const png = join(scratch, 'x.png');
    mkdirSync(full);
    writeFileSync(join(full, 'notes.txt'), 'mine');
    const occupied = await ctrb(['run', 'principal-activity', `principal=${BOB}`, '--evidence', full]);
    expect(occupied.code).toBe(2);
    expect(occupied.stderr).toContain('is not empty');
    expect(readdirSync(full)).toEqual(['notes.txt']);

    const noTimeline = await ctrb(['run', 'unauthorized-api-calls', '--timeline', png]);
    expect(noTimeline.code).toBe(2);
    expect(noTimeline.stderr).toContain('draws no timeline');
    expect(() => readFileSync(png)).toThrow();
  });
});
