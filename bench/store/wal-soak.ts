/**
 * bench/store/wal-soak: does the SQLite WAL stay bounded under sustained
 * writes with concurrent readers, as `ferry serve` runs it (background
 * checkpoints)? A child process opens the store as `ferry serve` does and
 * writes votes without pause (batches of 20, as the API's VoteBatcher under
 * load) while reading on its own connection, and reader threads on their
 * own connections (another `ferry` process, a backup, the chaser) read
 * without pause too. The WAL file's size is sampled every 100 ms. At the end
 * the child is killed with SIGKILL and the time a new process takes to open
 * the store and answer a query (WAL recovery) is measured.
 *
 * usage: bench/store/wal-soak.sh [--minutes 10] [--readers 2] [--dir DIR]
 *        (--minutes 0.5 for a quick run)
 */
import { fork } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { monitorEventLoopDelay } from 'node:perf_hooks';

import { openStore, seedStore } from '../../src/store/index.js';

const TARGET_MAX_WAL_MIB = 64;
const ROOT = resolve(import.meta.dirname, '../..');

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    readers: { type: 'string', default: '2' },
    dir: { type: 'string', default: join(ROOT, '.bench-cache', 'wal-soak') },
    child: { type: 'string' },
  },
});

/** Readers on connections of their own: each query is a read transaction that pins the WAL. */
const READER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.path, { readonly: true, fileMustExist: true });
db.pragma('busy_timeout = 15000');
const newest = db.prepare('select * from civotes order by id desc limit 100');
const count = db.prepare('select count(*) as n from civotes where ci_name = ?');
let reads = 0;
let stop = false;
parentPort.on('message', () => { stop = true; });
const loop = () => {
  for (let i = 0; i < 20; i++) { newest.all(); count.get('ci-job-' + (reads % 10)); reads++; }
  if (stop) { db.close(); parentPort.postMessage(reads); } else setImmediate(loop);
};
loop();
`;

/** The child: opens the store as ferry serve does and writes until killed. */
async function writer(path: string): Promise<void> {
  const store = await openStore(`sqlite:${path}`, { backgroundCheckpoints: true });
  const [commit] = await store.findCommits({ status: 'SUCCESS', limit: 1 });
  let written = 0;
  // How long the writer's event loop stalls (a restart of the WAL makes writers wait for it).
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  const report = setInterval(
    () => process.send?.({ written, loopP99: delay.percentile(99) / 1e6, loopMax: delay.max / 1e6 }),
    1000,
  );
  report.unref();
  process.send?.({ ready: true });
  for (;;) {
    await store.recordVotes(
      Array.from({ length: 20 }, (_, i) => ({
        commitId: commit!.id,
        ciName: `soak-${i % 7}`,
        ciUrl: `https://ci.example.org/soak/${written + i}/${'x'.repeat(120)}`,
        ciVote: i % 4 !== 0,
        notes: 'sustained write',
      })),
    );
    written += 20;
    // A read on the server's own connection between writes, as requests do.
    await store.findVotes({ limit: 10 });
    await new Promise((done) => setImmediate(done));
  }
}

function walBytes(path: string): number {
  try {
    return statSync(`${path}-wal`).size;
  } catch {
    return 0;
  }
}

async function main(): Promise<void> {
  const dir = values.dir;
  const path = join(dir, 'soak.db');
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const seeded = await openStore(`sqlite:${path}`);
  await seedStore(seeded, { commits: 20_000, votes: 100_000, now: 1_700_000_000 });
  await seeded.close();
  const seconds = Number(values.minutes) * 60;
  const module = createRequire(import.meta.url).resolve('better-sqlite3');

  const child = fork(import.meta.filename, ['--child', path], {
    execArgv: process.execArgv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let written = 0;
  let loop = { p99: 0, max: 0 };
  await new Promise<void>((ready, failed) => {
    child.on(
      'message',
      (message: { ready?: boolean; written?: number; loopP99?: number; loopMax?: number }) => {
        if (message.ready) ready();
        if (message.written !== undefined) written = message.written;
        if (message.loopP99 !== undefined) loop = { p99: message.loopP99, max: message.loopMax ?? 0 };
      },
    );
    child.once('exit', (code) => failed(new Error(`writer exited with ${code}`)));
  });
  const readers = Array.from(
    { length: Number(values.readers) },
    () => new Worker(READER_SOURCE, { eval: true, workerData: { path, module } }),
  );

  const started = performance.now();
  let maxWal = 0;
  let lastMinuteMax = 0;
  const samples: number[] = [];
  while (performance.now() - started < seconds * 1000) {
    await sleep(100);
    const size = walBytes(path);
    maxWal = Math.max(maxWal, size);
    samples.push(size);
    if (performance.now() - started > Math.max(0, seconds - 60) * 1000)
      lastMinuteMax = Math.max(lastMinuteMax, size);
    if (samples.length % 600 === 0) {
      process.stdout.write(
        `  ${((performance.now() - started) / 60_000).toFixed(0)} min: WAL ${(size / 2 ** 20).toFixed(1)} MiB (max ${(maxWal / 2 ** 20).toFixed(1)}), ${written} votes written\n`,
      );
    }
  }
  const reads = await Promise.all(
    readers.map(
      (reader) =>
        new Promise<number>((done) => {
          reader.once('message', (n: number) => done(n));
          reader.postMessage('stop');
        }),
    ),
  );
  const walAtKill = walBytes(path);
  child.removeAllListeners('exit');
  const exited = new Promise((done) => child.once('exit', done));
  child.kill('SIGKILL');
  await exited;

  // Restart after kill -9: open (WAL recovery) and answer the API's first query.
  const restartStarted = performance.now();
  const reopened = await openStore(`sqlite:${path}`, { backgroundCheckpoints: true });
  await reopened.findVotes({ limit: 1 });
  const restartMs = performance.now() - restartStarted;
  const counts = await reopened.storeCounts();
  await reopened.close();

  const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
  const sorted = [...samples].sort((a, b) => a - b);
  process.stdout.write(
    `\nSQLite WAL under sustained writes (${written} votes in batches of 20, ${(written / seconds).toFixed(0)}/s) ` +
      `and ${readers.length} reader threads (${reads.reduce((a, b) => a + b, 0)} reads) for ${values.minutes} min\n\n` +
      `WAL size: max ${mib(maxWal)} MiB, median ${mib(sorted[Math.floor(sorted.length / 2)] ?? 0)} MiB, ` +
      `max in the last minute ${mib(lastMinuteMax)} MiB, at kill ${mib(walAtKill)} MiB ` +
      `(target: at most ${TARGET_MAX_WAL_MIB} MiB; ratio ${(maxWal / 2 ** 20 / TARGET_MAX_WAL_MIB).toFixed(2)})\n` +
      `writer's event loop delay: p99 ${loop.p99.toFixed(1)} ms, max ${loop.max.toFixed(1)} ms\n` +
      `restart after kill -9: open + first query ${restartMs.toFixed(0)} ms; votes stored ${counts.votes}; ` +
      `database ${mib(existsSync(path) ? statSync(path).size : 0)} MiB\n` +
      'the machine may be shared: figures are of this run only\n',
  );
  if (maxWal / 2 ** 20 > TARGET_MAX_WAL_MIB) process.exitCode = 1;
}

if (values.child) await writer(values.child);
else await main();
