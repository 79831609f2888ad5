/**
 * The timeline picture: the counts it draws, and the PNG itself, decoded, of the size the
 * chart is laid out at and not blank (many colours, most of the plot not background).
 */
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import type { Row } from '../../src/model/query.js';
import type { Finding } from '../../src/model/run.js';
import { renderTimelinePng, timelineData, type TimelineInput } from '../../src/evidence/timeline.js';

const DAY = { start: '2026-11-02T00:00:00Z', end: '2026-11-03T00:00:00Z' };

function rows(): Row[] {
  const out: Row[] = [];
  // 40 S3 reads at 02:xx, 12 refused IAM calls at 03:1x, one console sign-in at 09:05.
  for (let i = 0; i < 40; i++) out.push({ eventTime: `2026-11-02T02:${String(i).padStart(2, '0')}:00Z`, eventSource: 's3.amazonaws.com', eventName: 'GetObject', errorCode: null });
  for (let i = 0; i < 12; i++) out.push({ eventTime: `2026-11-02T03:1${i % 10}:30Z`, eventSource: 'iam.amazonaws.com', eventName: 'ListUsers', errorCode: 'AccessDenied' });
  out.push({ eventTime: '2026-11-02T09:05:00Z', eventSource: 'signin.amazonaws.com', eventName: 'ConsoleLogin', errorCode: null });
  return out;
}

const finding: Finding = { check: 'sensitive', severity: 'high', message: 'x', eventIDs: [], stepId: 'f', at: '2026-11-02T03:15:00Z' };
const input: TimelineInput = { title: 'Principal activity: bob', window: DAY, rows: rows(), findings: [finding, { ...finding, at: undefined }] };

describe('the timeline picture', () => {
  it('counts every call once, by service and bucket, and marks refusals, sign-ins and the findings that have a time', () => {
    const data = timelineData(input);
    expect(data.calls.reduce((sum, c) => sum + c.calls, 0)).toBe(53);
    expect(new Set(data.calls.map((c) => c.service))).toEqual(new Set(['s3', 'iam', 'signin']));
    const refused = data.marks.filter((m) => m.kind === 'refused').reduce((sum, m) => sum + m.count, 0);
    expect(refused).toBe(12);
    expect(data.marks.filter((m) => m.kind === 'sign-in')).toEqual([expect.objectContaining({ count: 1, total: 1 })]);
    expect(data.findings).toEqual([{ at: '2026-11-02T03:15:00.000Z', severity: 'high', label: 'sensitive' }]);
    // Drawn over the activity (02:00 to 09:05, padded), not the whole day.
    expect(Date.parse(data.domain.start)).toBeGreaterThanOrEqual(Date.parse(DAY.start));
    expect(Date.parse(data.domain.start)).toBeLessThan(Date.parse('2026-11-02T02:00:00Z'));
    expect(Date.parse(data.domain.end)).toBeGreaterThan(Date.parse('2026-11-02T09:05:00Z'));
    expect(Date.parse(data.domain.end)).toBeLessThan(Date.parse('2026-11-02T12:00:00Z'));
  });

/** Distinct colours, and the share of pixels that are not near-white. */
function paint(png: PNG): { colours: number; ink: number } {
  const colours = new Set<number>();
  let ink = 0;
  for (let i = 0; i < png.data.length; i += 4) {
    const [r, g, b] = [png.data[i]!, png.data[i + 1]!, png.data[i + 2]!];
    colours.add((r << 16) | (g << 8) | b);
    if (r < 200 || g < 200 || b < 200) ink++;
  }
  return { colours: colours.size, ink: ink / (png.width * png.height) };
}

  it('is a PNG of the chart size, with the bars and text drawn', async () => {
    const png = PNG.sync.read(await renderTimelinePng(input));
    expect(png.width).toBeGreaterThanOrEqual(960);
    expect(png.width).toBeLessThan(1400);
    expect(png.height).toBeGreaterThanOrEqual(320);
    expect(png.height).toBeLessThan(600);
    const drawn = paint(png);
    expect(drawn.colours).toBeGreaterThan(20);
    // The same chart with nothing to draw (axes, legend, title only) has far less ink.
    const empty = paint(PNG.sync.read(await renderTimelinePng({ ...input, rows: [], findings: [] })));
    expect(empty.ink).toBeGreaterThan(0);
    expect(drawn.ink).toBeGreaterThan(2 * empty.ink);
  });
});
