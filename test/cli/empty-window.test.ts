/**
 * A window that holds no events says so, with the span the logs cover and a command that
 * looks there, in the terminal and in the Slack thread: finding nothing because one looked
 * where there are no logs must not read like a clean bill of health.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ctrb } from './ctrb.js';
import { renderEmptyWindow } from '../../src/slack/reporter.js';
import { blockText, runContext } from '../slack/builders.js';

const event = (id: string, time: string) => ({
  eventVersion: '1.08',
  eventTime: time,
  eventName: 'ConsoleLogin',
  eventSource: 'signin.amazonaws.com',
  awsRegion: 'us-east-1',
  sourceIPAddress: '203.0.113.5',
  userIdentity: { type: 'Root', arn: 'arn:aws:iam::123456789012:root', accountId: '123456789012' },
  eventID: id,
  recipientAccountId: '123456789012',
});

describe('an empty window', () => {
  it('in the terminal: names the span the logs cover and the command for it, which then finds the events', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ctrb-empty-window-'));
    await writeFile(join(dir, 'events.json'), JSON.stringify({ Records: [event('e1', '2026-10-01T10:00:00Z'), event('e2', '2026-10-07T08:30:12Z')] }));
    const out = await ctrb(['run', 'root-activity', '--logs', dir, 'since=2026-10-20T00:00:00Z', 'until=2026-10-21T00:00:00Z']);
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('No events in the window 2026-10-20T00:00:00Z → 2026-10-21T00:00:00Z: the logs cover 2026-10-01T10:00:00Z → 2026-10-07T08:30:13Z.');
    const command = /To look there: (ctrb run .*)$/m.exec(out.stdout)?.[1];
    expect(command).toBe(`ctrb run root-activity --logs ${dir} since=2026-10-01T10:00:00Z until=2026-10-07T08:30:13Z`);

    const again = await ctrb([...command!.split(' ').slice(1), '--json']);
    expect(again.code).toBe(0);
    const result = JSON.parse(again.stdout) as { steps: { stepId: string; query?: { rows: { eventID: string }[] } }[] };
    expect(result.steps.find((s) => s.query)?.query?.rows.map((r) => r.eventID).sort()).toEqual(['e1', 'e2']);
  });

  it('in the Slack thread: the same sentence and the /investigate command, other parameters kept', () => {
    const ctx = runContext({ runbookId: 'access-key-activity', params: { access_key_id: 'AKIAIOSFODNN7EXAMPLE', trusted_cidrs: [] } });
    const message = renderEmptyWindow(ctx, {
      window: { start: '2026-11-20T00:00:00Z', end: '2026-11-21T00:00:00Z' },
      covered: { start: '2026-10-01T00:00:00Z', end: '2026-10-08T00:00:00Z' },
    });
    const text = blockText(message.blocks);
    expect(text).toContain('No events in the window 2026-11-20T00:00:00Z → 2026-11-21T00:00:00Z: the logs cover 2026-10-01T00:00:00Z → 2026-10-08T00:00:00Z.');
    expect(text).toContain('`/investigate access-key-activity access_key_id=AKIAIOSFODNN7EXAMPLE since=2026-10-01T00:00:00Z until=2026-10-08T00:00:00Z`');
  });
});
