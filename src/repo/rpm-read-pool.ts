/**
 * Reads many .rpm files into package records, in worker threads when there
 * are enough of them to pay for starting the workers (one per core), inline
 * otherwise. Batches go out in metadata order and results come back in the
 * same order, whichever worker finished first.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

import { endsBlock } from './gzip-members.js';
import { recordRules, type PackageRecord, type PartBuilder, type RecordRules } from './package-record.js';
import { readRpmBatch, type BatchItem, type BatchRequest, type BatchResult } from './rpm-read-batch.js';

export interface ReadJob {
  /** Path to open. */
  readonly path: string;
  /** Location href to record. */
  readonly href: string;
}

/** A file that could not be read as an rpm. */
export interface BrokenRpm {
  readonly href: string;
  readonly path: string;
  readonly reason: string;
}

export interface ReadPoolOptions {
  readonly rules?: Partial<RecordRules>;
  /** Per-package parts of repodata extensions (computed on the main thread from the models). */
  readonly partBuilders?: Readonly<Record<string, PartBuilder>>;
  /** Worker threads; default: one per core when there are more than `inlineBelow` files, else none. */
  readonly workers?: number;
  readonly inlineBelow?: number;
}

export interface ReadPoolResult {
  /** Records of the readable files, in job order. */
  readonly records: PackageRecord[];
  readonly broken: BrokenRpm[];
}

const BATCH = 32;

function workerUrl(): { url: URL; execArgv: string[] } {
  // Under vitest/tsx the sources are .ts files; the worker then needs tsx to load its module graph.
  const fromSource = import.meta.url.endsWith('.ts');
  return {
    url: new URL(fromSource ? './rpm-read-worker.ts' : './rpm-read-worker.js', import.meta.url),
    execArgv: fromSource ? ['--import', 'tsx'] : [],
  };
}

function collect(
  results: readonly BatchResult[],
  partBuilders: Readonly<Record<string, PartBuilder>>,
): ReadPoolResult {
  const records: PackageRecord[] = [];
  const broken: BrokenRpm[] = [];
  const builders = Object.entries(partBuilders);
  for (const result of results) {
    for (const item of result.items) {
      if (!item.ok) {
        broken.push({ href: item.href, path: item.path, reason: item.message });
        continue;
      }
      records.push(toRecord(item, result.data, builders));
    }
  }
  return { records, broken };
}

function toRecord(
  item: Extract<BatchItem, { ok: true }>,
  data: Uint8Array,
  builders: readonly (readonly [string, PartBuilder])[],
): PackageRecord {
  const [p, f, o, end] = item.at;
  const parts: Record<string, Uint8Array> = {};
  for (const [type, build] of builders) parts[type] = build(item.pkg!);
  return {
    href: item.href,
    size: item.size,
    mtimeMs: item.mtimeMs,
    pkgid: item.pkgid,
    blockEnd: endsBlock(item.pkgid, item.href),
    primary: data.subarray(p, f),
    filelists: data.subarray(f, o),
    other: data.subarray(o, end),
    parts,
    ...(item.pkg ? { pkg: item.pkg } : {}),
  };
}

/** Reads the files of `jobs` (in order) into records; unreadable ones are listed as broken. */
export async function readRpms(
  jobs: readonly ReadJob[],
  options: ReadPoolOptions = {},
): Promise<ReadPoolResult> {
  const partBuilders = options.partBuilders ?? {};
  const base = {
    rules: recordRules(options.rules),
    wantModels: Object.keys(partBuilders).length > 0,
  } as const;
  const batches: BatchRequest[] = [];
  for (let i = 0; i < jobs.length; i += BATCH) {
    batches.push({ id: batches.length, jobs: jobs.slice(i, i + BATCH), ...base });
  }
  const inlineBelow = options.inlineBelow ?? 256;
  const wanted = options.workers ?? (jobs.length < inlineBelow ? 0 : availableParallelism());
  const workerCount = Math.min(wanted, batches.length, 8);
  if (workerCount <= 0) return collect(batches.map(readRpmBatch), partBuilders);

  const results = new Array<BatchResult>(batches.length);
  const { url, execArgv } = workerUrl();
  let next = 0;
  const runWorker = (): Promise<void> =>
    new Promise((resolve) => {
      const worker = new Worker(url, { execArgv });
      const feed = (): void => {
        if (next >= batches.length) {
          void worker.terminate().then(() => resolve());
          return;
        }
        worker.postMessage(batches[next++]);
      };
      worker.on('message', (result: BatchResult) => {
        results[result.id] = result;
        feed();
      });
      // A worker that fails (or cannot start) stops taking batches; its unfinished batch is read inline below.
      worker.on('error', () => resolve());
      worker.on('exit', () => resolve());
      feed();
    });
  await Promise.all(Array.from({ length: workerCount }, runWorker));
  for (let i = 0; i < results.length; i++) {
    // A worker that died mid-batch leaves a hole: read what it had inline.
    results[i] ??= readRpmBatch(batches[i]!);
  }
  return collect(results, partBuilders);
}
