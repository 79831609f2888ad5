/**
 * One grammar for run, explain and sweep: the window and every runbook parameter are taken as
 * `name=value` or `--name value` alike, and explain shows the window a run over the same logs reads.
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { ctrb } from './ctrb.js';
import { parseKeyValues, ParamError } from '../../src/runbook/params.js';
import type { RunResult } from '../../src/model/run.js';
import type { SweepResult } from '../../src/terminal/commands/sweep.js';

const manifest = JSON.parse(await readFile(new URL('../../samples/cloudtrail/.manifest.json', import.meta.url), 'utf8')) as { end: string };
const sampleEnd = new Date(manifest.end).toISOString();
const daysBefore = (iso: string, days: number): string => new Date(new Date(iso).getTime() - days * 86_400_000).toISOString();

describe('parameters as words or options', () => {
  it('reads name=value, --name value and --name=value the same, a dash in an option standing for the underscore', () => {
    expect(parseKeyValues(['since=30d', '--trusted-cidrs', '10.0.0.0/8,192.168.0.0/16', '--until=2026-11-02T00:00:00Z'])).toEqual({
      since: '30d',
      trusted_cidrs: '10.0.0.0/8,192.168.0.0/16',
      until: '2026-11-02T00:00:00Z',
    });
  });

  it('refuses an option without a value, and the same parameter given both ways', () => {
    const problems = (words: string[]): string[] => {
      try {
        parseKeyValues(words);
      } catch (e) {
        return (e as ParamError).problems.map((p) => p.message);
      }
      return [];
    };
    expect(problems(['--since'])).toEqual(['--since needs a value (e.g. --since 24h, or since=24h)']);
    expect(problems(['--principal', '--since', '2d'])).toEqual(['--principal needs a value (e.g. --since 24h, or since=24h)']);
    expect(problems(['since=2d', '--since', '3d'])[0]).toMatch(/^since: given more than once/);
  });
});

describe('ctrb run, explain and sweep take the window the same way', () => {
  it('runs the same window from since=3d and from --since 3d, and explain shows that window, ending at the sample end', async () => {
    const [asWord, asOption, explained] = await Promise.all([
      ctrb(['run', 'root-activity', 'since=3d', '--json']),
      ctrb(['run', 'root-activity', '--since', '3d', '--json']),
      ctrb(['explain', 'root-activity', '--since=3d']),
    ]);
    expect(asWord.code).toBe(0);
    expect(asOption.code).toBe(0);
    const a = JSON.parse(asWord.stdout) as RunResult;
    const b = JSON.parse(asOption.stdout) as RunResult;
    expect(a.context.window).toEqual({ start: daysBefore(sampleEnd, 3), end: sampleEnd });
    expect(b.context.window).toEqual(a.context.window);
    expect(b.findings.map((f) => f.message)).toEqual(a.findings.map((f) => f.message));
    expect(explained.code).toBe(0);
    expect(explained.stdout).toContain(`window ${a.context.window.start} → ${a.context.window.end}`);
  });

  it('sweeps since=2d as --since 2d, passes a parameter to the runbooks that have it, and refuses one no runbook has', async () => {
    const [asWord, asOption, unknown] = await Promise.all([
      ctrb(['sweep', 'since=2d', '--json']),
      ctrb(['sweep', '--since', '2d', '--trusted-cidrs', '0.0.0.0/0', '--json']),
      ctrb(['sweep', '--trusted-sidrs', '0.0.0.0/0']),
    ]);
    expect(asWord.code).toBe(0);
    const a = JSON.parse(asWord.stdout) as SweepResult;
    const b = JSON.parse(asOption.stdout) as SweepResult;
    expect(a.window).toEqual({ start: daysBefore(sampleEnd, 2), end: sampleEnd });
    expect(b.window).toEqual(a.window);
    // Every address trusted: the unusual-source detection no longer reports sign-ins from
    // outside the trusted networks (password guessing is reported wherever it comes from).
    const unusual = (r: SweepResult): number => r.findings.filter((f) => f.runbook === 'console-login-unusual-source').length;
    expect(unusual(b)).toBeLessThan(unusual(a));
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('trusted_sidrs: no runbook of the library has this parameter');
    expect(unknown.stdout).toBe('');
  });
});
