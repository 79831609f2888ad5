/**
 * The timeline picture: a run's activity over its window as a PNG. Calls per time bucket,
 * stacked by service (the busiest few, the rest as "other"); refused calls and console
 * sign-ins marked above their bucket; each finding raised on a row drawn as a line at its
 * time, coloured by severity.
 *
 * Drawn with Vega-Lite (compiled to Vega, rendered headless to SVG) and rasterised by resvg,
 * a prebuilt renderer from the npm registry, with the DejaVu fonts shipped as a package: no
 * browser, no system fonts, the same picture on a laptop and in a container.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { Row } from '../model/query.js';
import type { Finding, RunResult } from '../model/run.js';
import type { Severity } from '../model/severity.js';

/** Services drawn by name; the others are stacked together. */
const SERVICES_SHOWN = 8;
const WIDTH = 960;
const HEIGHT = 320;
const FONT = 'DejaVu Sans';

/** Bucket sizes a person reads easily, smallest first; the one giving at most ~60 buckets is used. */
const BUCKETS_MS = [60_000, 5 * 60_000, 15 * 60_000, 30 * 60_000, 3_600_000, 3 * 3_600_000, 6 * 3_600_000, 12 * 3_600_000, 86_400_000];
const MAX_BUCKETS = 60;

const SEVERITY_COLOUR: Record<Severity, string> = {
  critical: '#b00020',
  high: '#e65100',
  medium: '#f9a825',
  low: '#1e88e5',
  info: '#9e9e9e',
};

export interface TimelineInput {
  title: string;
  window: { start: string; end: string };
  /** The rows of the runbook's timeline step: eventTime, and eventSource, eventName, errorCode when selected. */
  rows: readonly Row[];
  findings: readonly Finding[];
}

export interface TimelineData {
  /** The stretch drawn: the activity's own span, padded, within the window (a week's window over one busy day is mostly blank). */
  domain: { start: string; end: string };
  bucketMs: number;
  calls: Array<{ bucket: string; service: string; calls: number }>;
  marks: Array<{ bucket: string; kind: 'refused' | 'sign-in'; count: number; total: number }>;
  findings: Array<{ at: string; severity: Severity; label: string }>;
}

/** The timeline input of a finished run, from the step its runbook names; undefined when that step has no rows. */
export function timelineInputOf(result: RunResult, title: string, stepId: string): TimelineInput | undefined {
  const step = result.steps.find((s) => s.stepId === stepId);
  if (!step?.query || step.query.rows.length === 0) return undefined;
  return { title, window: result.context.window, rows: step.query.rows, findings: result.findings };
}

/** Counts per bucket: what the picture draws, computed here so it can be tested without pixels. */
export function timelineData(input: TimelineInput): TimelineData {
  const times = [...input.rows.map((r) => Date.parse(String(r.eventTime ?? ''))), ...input.findings.map((f) => Date.parse(f.at ?? ''))].filter((t) => !Number.isNaN(t));
  const windowStart = Date.parse(input.window.start);
  const windowEnd = Date.parse(input.window.end);
  const first = times.length ? Math.min(...times) : windowStart;
  const last = times.length ? Math.max(...times) : windowEnd;
  const pad = Math.max(30 * 60_000, (last - first) * 0.05);
  const start = Math.max(windowStart, first - pad);
  const end = Math.min(windowEnd, last + pad);
  const bucketMs = BUCKETS_MS.find((ms) => (end - start) / ms <= MAX_BUCKETS) ?? BUCKETS_MS.at(-1)!;
  // Bars are centred on their x: each bucket is placed at its middle.
  const bucketOf = (t: number): string => new Date(Math.floor(t / bucketMs) * bucketMs + bucketMs / 2).toISOString();

  const perService = new Map<string, number>();
  for (const row of input.rows) perService.set(serviceOf(row), (perService.get(serviceOf(row)) ?? 0) + 1);
  const shown = new Set([...perService.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, SERVICES_SHOWN).map(([s]) => s));

  const calls = new Map<string, { bucket: string; service: string; calls: number }>();
  const totals = new Map<string, number>();
  const marks = new Map<string, { bucket: string; kind: 'refused' | 'sign-in'; count: number; total: number }>();
  for (const row of input.rows) {
    const t = Date.parse(String(row.eventTime ?? ''));
    if (Number.isNaN(t)) continue;
    const bucket = bucketOf(t);
    const service = shown.has(serviceOf(row)) ? serviceOf(row) : 'other';
    const key = `${bucket}\u0000${service}`;
    const entry = calls.get(key) ?? { bucket, service, calls: 0 };
    entry.calls++;
    calls.set(key, entry);
    totals.set(bucket, (totals.get(bucket) ?? 0) + 1);
    const kinds: Array<'refused' | 'sign-in'> = [];
    if (row.errorCode !== undefined && row.errorCode !== null && row.errorCode !== '') kinds.push('refused');
    if (row.eventName === 'ConsoleLogin') kinds.push('sign-in');
    for (const kind of kinds) {
      const mark = marks.get(`${bucket}\u0000${kind}`) ?? { bucket, kind, count: 0, total: 0 };
      mark.count++;
      marks.set(`${bucket}\u0000${kind}`, mark);
    }
  }
  for (const mark of marks.values()) mark.total = totals.get(mark.bucket) ?? 0;

  const findings = input.findings
    .filter((f): f is Finding & { at: string } => typeof f.at === 'string' && !Number.isNaN(Date.parse(f.at)))
    .map((f) => ({ at: new Date(Date.parse(f.at)).toISOString(), severity: f.severity, label: f.check }));
  return { domain: { start: new Date(start).toISOString(), end: new Date(end).toISOString() }, bucketMs, calls: [...calls.values()], marks: [...marks.values()], findings };
}

/** `iam.amazonaws.com` → `iam`; rows without a source count as "unknown". */
function serviceOf(row: Row): string {
  const source = row.eventSource;
  return typeof source === 'string' && source !== '' ? source.replace(/\.amazonaws\.com$/, '') : 'unknown';
}

/** The Vega-Lite specification of the picture. */
export function timelineSpec(input: TimelineInput, data: TimelineData = timelineData(input)): TopLevelSpec {
  const scale = { type: 'utc', domain: [data.domain.start, data.domain.end] };
  const x = { field: 'bucket', type: 'temporal' as const, title: null, scale, axis: { format: '%b %d %H:%M', labelAngle: 0, labelOverlap: true } };
  const span = Date.parse(data.domain.end) - Date.parse(data.domain.start);
  const barWidth = Math.max(1, Math.floor((WIDTH * data.bucketMs) / span) - 1);
  const layers: object[] = [
    {
      data: { values: data.calls },
      mark: { type: 'bar', width: barWidth },
      encoding: {
        x,
        y: { aggregate: 'sum', field: 'calls', type: 'quantitative', title: `calls per ${describeBucket(data.bucketMs)}`, axis: { tickMinStep: 1, format: 'd' } }, // calls are whole
        color: { field: 'service', type: 'nominal', title: 'service', scale: { scheme: 'tableau10' } },
        order: { field: 'service' },
      },
    },
  ];
  if (data.marks.length > 0) {
    layers.push({
      data: { values: data.marks },
      mark: { type: 'point', filled: true, size: 70, yOffset: -8 },
      encoding: {
        x,
        y: { field: 'total', type: 'quantitative' },
        shape: { field: 'kind', type: 'nominal', title: 'marked', scale: { domain: ['refused', 'sign-in'], range: ['triangle-down', 'diamond'] } },
        fill: { value: '#202020' },
        stroke: { value: '#ffffff' },
      },
    });
  }
  if (data.findings.length > 0) {
    layers.push({
      data: { values: data.findings },
      mark: { type: 'rule', strokeWidth: 2, strokeDash: [4, 2] },
      encoding: {
        x: { field: 'at', type: 'temporal', scale },
        stroke: {
          field: 'severity',
          type: 'nominal',
          title: 'findings',
          scale: { domain: Object.keys(SEVERITY_COLOUR), range: Object.values(SEVERITY_COLOUR) },
        },
      },
    });
  }
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: input.title, subtitle: `activity ${shortTime(data.domain.start)} → ${shortTime(data.domain.end)} UTC, in the window ${shortTime(input.window.start)} → ${shortTime(input.window.end)}; ${input.rows.length} calls`, anchor: 'start' },
    width: WIDTH,
    height: HEIGHT,
    background: '#ffffff',
    config: { font: FONT, view: { stroke: null }, axis: { grid: true, gridOpacity: 0.4 } },
    layer: layers,
    resolve: { scale: { color: 'independent', shape: 'independent', stroke: 'independent' } },
  } as unknown as TopLevelSpec;
}

function shortTime(iso: string): string {
  return iso.replace(/:\d\d(\.\d+)?Z$/, '').replace('T', ' ');
}

function describeBucket(ms: number): string {
  if (ms % 86_400_000 === 0) return ms === 86_400_000 ? 'day' : `${ms / 86_400_000} days`;
  if (ms % 3_600_000 === 0) return ms === 3_600_000 ? 'hour' : `${ms / 3_600_000} hours`;
  return `${ms / 60_000} min`;
}

/** The picture as SVG text (Vega's headless renderer, UTC times). */
export async function timelineSvg(input: TimelineInput): Promise<string> {
  const compiled = compile(timelineSpec(input)).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** The picture as PNG bytes. */
export async function renderTimelinePng(input: TimelineInput): Promise<Buffer> {
  const svg = await timelineSvg(input);
  const png = new Resvg(svg, {
    background: '#ffffff',
    fitTo: { mode: 'original' },
    font: { loadSystemFonts: false, fontFiles: fontFiles(), defaultFontFamily: FONT, sansSerifFamily: FONT },
  }).render();
  return png.asPng();
}

/** The DejaVu Sans files of the `dejavu-fonts-ttf` package, wherever npm put it. */
function fontFiles(): string[] {
  const dir = join(dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')), 'ttf');
  return [join(dir, 'DejaVuSans.ttf'), join(dir, 'DejaVuSans-Bold.ttf')];
}
