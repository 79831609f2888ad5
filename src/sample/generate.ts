/**
 * generateCloudTrail: write a CloudTrail tree exactly as CloudTrail delivers it to S3,
 * with realistic background traffic and (optionally) planted incidents, deterministic for
 * a given set of options.
 *
 * How the volume is spread: every account/region pair is a stream cut into delivery
 * periods of 5-15 minutes. Each period's share of the requested events follows the
 * activities that can happen in it (workloads around the clock, people in office hours),
 * and the shares are rounded cumulatively so the total lands on the request.
 */
import { isAccountId } from '../model/values/aws-ids.js';
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { AccountCast, Topology } from './cast.js';
import { DEFAULT_ACCOUNTS, DEFAULT_REGIONS, VENDOR_ACCOUNT, buildTopology } from './cast.js';
import type { Activity, BackgroundContext } from './background.js';
import { ACTIVITIES, isOfficeHours, scheduledEvents } from './background.js';
import type { LoggingGap, PlantedIncident } from './incidents.js';
import { plantIncidents } from './incidents.js';
import { cloudTrailObjectKey } from './layout.js';
import type { SampleManifest } from './manifest.js';
import { MANIFEST_FILE } from './manifest.js';
import { Random } from './random.js';
import type { CloudTrailRecord, EventSpec } from './record.js';
import { buildRecord } from './record.js';

const gzipAsync = promisify(gzip);
const DAY = 86_400_000;
/** Fixed, so the same events always compress to the same bytes on the same zlib. */
const GZIP_LEVEL = 6;
/** Regional workloads outside the main region are smaller. */
const SECONDARY_REGION_SHARE = 0.5;

export interface TreeOptions {
  /** Start of the span (ISO 8601 or Date), UTC. */
  start: string | Date;
  /** Length of the span in days (fractions allowed; at least 1 when planting incidents). */
  days: number;
  /**
   * How many events to write in all (background + incidents), within a few events. The
   * fixed events (sign-ins, pipeline runs, hourly vendor sessions, incidents) are written
   * whatever the number, so a very small request gets somewhat more.
   */
  events: number;
  accounts?: string[];
  regions?: string[];
  seed?: string | number;
  /** Plant the incidents the runbook library should find (default true). */
  incidents?: boolean;
  onProgress?: (p: { events: number; files: number }) => void;
}

export interface GenerateOptions extends TreeOptions {
  outDir: string;
  /** Replace an earlier tree in outDir (its AWSLogs/ and manifest) instead of refusing. */
  overwrite?: boolean;
}

/** Where generated files go: gzip'd files on disk, or anything else (a test's memory). */
export interface TreeSink {
  /** `key` is the file's path under the tree's root; `json` its uncompressed content. */
  write(key: string, json: string): Promise<void>;
  flush(): Promise<void>;
}

export interface GenerateResult {
  manifest: SampleManifest;
  bytes: number;
}

interface Period {
  start: number;
  end: number;
  /** This period's share of the random background events. */
  expected: number;
  count: number;
}

interface Stream {
  account: AccountCast;
  region: string;
  rng: Random;
  periods: Period[];
  activities: { activity: Activity; weight: number }[];
  scheduled: EventSpec[];
  planted: CloudTrailRecord[];
}

export async function generateCloudTrail(opts: GenerateOptions): Promise<GenerateResult> {
  validate(opts);
  await prepareOutDir(opts.outDir, opts.overwrite ?? false);
  const writer = new GzipFileSink(opts.outDir);
  const manifest = await generateTree(opts, writer);
  await writeFile(join(opts.outDir, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + '\n');
  return { manifest, bytes: writer.bytes };
}

function validate(opts: TreeOptions): void {
  if (Number.isNaN(new Date(opts.start).getTime())) throw new Error(`start is not a time: ${String(opts.start)}`);
  if (!(opts.days > 0)) throw new Error('days must be positive');
  if (!(opts.events >= 0)) throw new Error('events must be zero or more');
  if ((opts.incidents ?? true) && opts.days < 1) throw new Error('planting incidents needs a span of at least one day');
  for (const a of opts.accounts ?? []) if (!isAccountId(a)) throw new Error(`account ids are 12 digits: ${a}`);
}

/** Generate the tree's files into `sink`; returns the manifest (not written anywhere). */
export async function generateTree(opts: TreeOptions, sink: TreeSink): Promise<SampleManifest> {
  validate(opts);
  const start = new Date(opts.start);
  const plant = opts.incidents ?? true;
  const end = new Date(start.getTime() + Math.round(opts.days * DAY));
  const seed = String(opts.seed ?? 'cloudtrail-runbooks');
  const accounts = opts.accounts ?? DEFAULT_ACCOUNTS;
  const regions = opts.regions ?? DEFAULT_REGIONS;
  const topo = buildTopology(accounts, regions);

  const stories = plant
    ? plantIncidents(new Random(`${seed}/incidents`), topo, new Date(end.getTime() - DAY))
    : { records: [], incidents: [] as PlantedIncident[], gaps: [] as LoggingGap[] };

  const streams = planStreams(seed, topo, start, end, stories.records, stories.gaps);
  const fixed = streams.reduce((n, s) => n + s.scheduled.length + s.planted.length, 0);
  distribute(streams, Math.max(0, opts.events - fixed));

  let files = 0;
  // Uses of capped activities (refusals, deletions) per principal per day, across regions.
  const capped = new Map<string, number>();
  let eventCount = 0;
  for (const stream of streams) {
    let scheduledAt = 0;
    let plantedAt = 0;
    for (const period of stream.periods) {
      const records: CloudTrailRecord[] = [];
      while (scheduledAt < stream.scheduled.length && (stream.scheduled[scheduledAt] as EventSpec).time.getTime() < period.end) {
        records.push(buildRecord(stream.rng, stream.scheduled[scheduledAt++] as EventSpec));
      }
      while (plantedAt < stream.planted.length && Date.parse((stream.planted[plantedAt] as CloudTrailRecord).eventTime) < period.end) {
        records.push(stream.planted[plantedAt++] as CloudTrailRecord);
      }
      for (const spec of backgroundEvents(stream, topo, period, stories.gaps, capped)) records.push(buildRecord(stream.rng, spec));
      if (records.length === 0) continue; // CloudTrail delivers no empty files
      records.sort((a, b) => (a.eventTime < b.eventTime ? -1 : a.eventTime > b.eventTime ? 1 : 0));
      const key = cloudTrailObjectKey(stream.account.id, stream.region, new Date(period.end), stream.rng.mixedAlnum(16));
      await sink.write(key, JSON.stringify({ Records: records }));
      files++;
      eventCount += records.length;
      opts.onProgress?.({ events: eventCount, files });
    }
  }
  await sink.flush();

  const manifest: SampleManifest = {
    start: start.toISOString(),
    end: end.toISOString(),
    seed,
    accounts,
    partnerAccounts: [VENDOR_ACCOUNT],
    regions,
    eventCount,
    fileCount: files,
    incidents: stories.incidents,
  };
  return manifest;
}

/** The output folder already holds logs, and replacing them was not asked for. */
export class OutputExistsError extends Error {
  override name = 'OutputExistsError';
  constructor(readonly path: string) {
    super(`${path} already exists: replace it with --overwrite, or choose another --out`);
  }
}

async function prepareOutDir(outDir: string, overwrite: boolean): Promise<void> {
  const logs = join(outDir, 'AWSLogs');
  const exists = await stat(logs).then(
    () => true,
    () => false,
  );
  if (exists && !overwrite) throw new OutputExistsError(logs);
  if (exists) await rm(logs, { recursive: true, force: true });
  await rm(join(outDir, MANIFEST_FILE), { force: true });
  await mkdir(outDir, { recursive: true });
}

function inGap(gaps: LoggingGap[], account: string, t: number): boolean {
  return gaps.some((g) => g.account === account && t >= g.start.getTime() && t < g.end.getTime());
}

function planStreams(seed: string, topo: Topology, start: Date, end: Date, planted: CloudTrailRecord[], gaps: LoggingGap[]): Stream[] {
  const streams: Stream[] = [];
  for (const account of topo.accounts) {
    for (const region of topo.regions) {
      const rng = new Random(`${seed}/stream/${account.id}/${region}`);
      const share = account.activity * (region === topo.globalRegion ? 1 : SECONDARY_REGION_SHARE);
      const activities = ACTIVITIES.filter((a) => a.applies(account, region, topo)).map((activity) => ({ activity, weight: activity.weight * share }));
      const always = activities.filter((a) => a.activity.schedule === 'always').reduce((n, a) => n + a.weight, 0);
      const office = activities.filter((a) => a.activity.schedule === 'office').reduce((n, a) => n + a.weight, 0);

      const periods = deliveryPeriods(rng, start, end, (t, next) => {
        const mid = new Date((t + next) / 2);
        // Only the part of a period outside a logging gap produces events.
        const seconds = (next - t) / 1000;
        const open = inGap(gaps, account.id, mid.getTime()) ? 0 : 1;
        return (always + (isOfficeHours(mid) ? office : 0)) * seconds * open;
      });
      const scheduled = scheduledEvents(new Random(`${seed}/schedule/${account.id}/${region}`), topo, account, region, start, end).filter(
        (e) => !inGap(gaps, account.id, e.time.getTime()),
      );
      streams.push({ account, region, rng, periods, activities, scheduled, planted: plantedIn(planted, account.id, region) });
    }
  }
  // A story may act in a region the organization does not work in (an intruder launching
  // instances where nobody looks). A multi-region trail delivers those events under that
  // region's own folder; nothing else happens there, so those streams hold no background.
  const elsewhere = new Map<string, { account: AccountCast; region: string }>();
  for (const r of planted) {
    const account = topo.accounts.find((a) => a.id === r.recipientAccountId);
    if (account && !topo.regions.includes(r.awsRegion)) elsewhere.set(`${account.id}/${r.awsRegion}`, { account, region: r.awsRegion });
  }
  for (const key of [...elsewhere.keys()].sort()) {
    const { account, region } = elsewhere.get(key)!;
    const rng = new Random(`${seed}/stream/${account.id}/${region}`);
    const periods = deliveryPeriods(rng, start, end, () => 0);
    streams.push({ account, region, rng, periods, activities: [], scheduled: [], planted: plantedIn(planted, account.id, region) });
  }
  return streams;
}

/** The stream's delivery periods of 5-15 minutes, each with its expected share of background. */
function deliveryPeriods(rng: Random, start: Date, end: Date, expected: (t: number, next: number) => number): Period[] {
  const periods: Period[] = [];
  for (let t = start.getTime(); t < end.getTime(); ) {
    const next = Math.min(end.getTime(), t + rng.int(5 * 60, 15 * 60) * 1000);
    periods.push({ start: t, end: next, expected: expected(t, next), count: 0 });
    t = next;
  }
  return periods;
}

function plantedIn(planted: CloudTrailRecord[], account: string, region: string): CloudTrailRecord[] {
  return planted
    .filter((r) => r.recipientAccountId === account && r.awsRegion === region)
    .sort((a, b) => (a.eventTime < b.eventTime ? -1 : a.eventTime > b.eventTime ? 1 : 0));
}

/** Share `total` background events over every period, rounding cumulatively. */
function distribute(streams: Stream[], total: number): void {
  const weight = streams.reduce((n, s) => n + s.periods.reduce((m, p) => m + p.expected, 0), 0);
  if (weight === 0) return;
  let cumulative = 0;
  let assigned = 0;
  for (const s of streams) {
    for (const p of s.periods) {
      cumulative += (p.expected / weight) * total;
      const upTo = Math.round(cumulative);
      p.count = upTo - assigned;
      assigned = upTo;
    }
  }
}

const capKey = (principal: string, t: Date) => `${principal}@${Math.floor(t.getTime() / DAY)}`;

function backgroundEvents(stream: Stream, topo: Topology, period: Period, gaps: LoggingGap[], capped: Map<string, number>): EventSpec[] {
  const { rng } = stream;
  const times: number[] = [];
  for (let i = 0; i < period.count; i++) {
    let t = period.start + Math.floor(rng.next() * (period.end - period.start));
    // A period partly inside a gap: move the event to the period's open edge.
    if (inGap(gaps, stream.account.id, t)) t = inGap(gaps, stream.account.id, period.start) ? period.end - 1 : period.start;
    times.push(t);
  }
  times.sort((a, b) => a - b);
  const out: EventSpec[] = [];
  for (const t of times) {
    const time = new Date(t);
    const office = isOfficeHours(time);
    const candidates = stream.activities.filter((a) => a.activity.schedule === 'always' || office);
    if (candidates.length === 0) continue;
    const ctx: BackgroundContext = { rng, topo, account: stream.account, region: stream.region, time };
    let chosen = rng.weighted(candidates, (a) => a.weight).activity;
    if (chosen.dailyCap !== undefined) {
      const key = capKey(chosen.principal?.(ctx) ?? chosen.name, time);
      const n = capped.get(key) ?? 0;
      if (n >= chosen.dailyCap) {
        chosen = rng.weighted(
          candidates.filter((a) => a.activity.dailyCap === undefined),
          (a) => a.weight,
        ).activity;
      } else {
        capped.set(key, n + 1);
      }
    }
    out.push(chosen.make(ctx));
  }
  return out;
}

/** Writes gzip'd CloudTrail files, compressing a few at a time on the thread pool. */
class GzipFileSink implements TreeSink {
  bytes = 0;
  private pending: Promise<void>[] = [];
  private readonly dirs = new Map<string, Promise<unknown>>();

  constructor(private readonly root: string) {}

  async write(key: string, json: string): Promise<void> {
    const body = Buffer.from(json);
    const path = join(this.root, key);
    this.pending.push(
      (async () => {
        const dir = dirname(path);
        let made = this.dirs.get(dir);
        if (!made) {
          made = mkdir(dir, { recursive: true });
          this.dirs.set(dir, made);
        }
        await made;
        const gz = await gzipAsync(body, { level: GZIP_LEVEL });
        this.bytes += gz.length;
        await writeFile(path, gz);
      })(),
    );
    if (this.pending.length >= 8) await this.flush();
  }

  async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    await Promise.all(batch);
  }
}
