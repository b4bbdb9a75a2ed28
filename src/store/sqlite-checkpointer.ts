import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** How often the checkpointer copies the WAL back into the database file. */
const DEFAULT_INTERVAL_MS = 250;

/**
 * Past this size the WAL is restarted and truncated. Copying pages back
 * (PASSIVE) never shrinks the file, and under continuous writes the WAL is
 * never found fully copied by a write that could start it over: it grew by
 * gigabytes in minutes. 16 MiB keeps it well below the 64 MiB bound, even
 * when a few restarts in a row find readers in the way.
 */
export const WAL_RESTART_BYTES = 16 * 1024 * 1024;

/**
 * How long a restart may wait for readers still in the old WAL (writers wait
 * meanwhile): briefly at first, longer once the WAL is twice the limit
 * (readers that never pause kept the brief attempts from succeeding).
 */
const RESTART_WAIT_MS = 20;
const URGENT_RESTART_WAIT_MS = 500;
/** After a restart that readers or the writer prevented, the next attempt comes this soon. */
const RETRY_MS = 25;

/**
 * The worker's code, a CommonJS script (eval: true runs it as one, wherever
 * ferry runs from: src/ under tsx or vitest, dist/ when installed). Its own
 * connection runs PASSIVE checkpoints: they never wait for readers or
 * writers, and copy whatever the WAL holds that no reader still needs. When
 * the WAL file has grown past the limit, a RESTART checkpoint follows: it
 * holds writers back while it copies the few pages left and waits (briefly)
 * for the readers of the old WAL, so the next write starts the file over; if
 * readers keep it from finishing, the next tick tries again, and past twice
 * the limit it goes straight to TRUNCATE, waiting longer.
 */
const WORKER_SOURCE = `
const { statSync } = require('node:fs');
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.path, { fileMustExist: true });
const wal = workerData.path + '-wal';
db.pragma('busy_timeout = 1000');
db.pragma('synchronous = NORMAL');
const walSize = () => { try { return statSync(wal).size; } catch { return 0; } };
// True when the WAL is still past the limit afterwards: the next attempt comes sooner.
const checkpoint = () => {
  try {
    // Past twice the limit the writes outrun the copies: straight to TRUNCATE, which holds
    // writers back while it copies (back-pressure), instead of one more PASSIVE copy they outgrow.
    const urgent = walSize() > 2 * workerData.restartBytes;
    if (!urgent) {
      db.pragma('wal_checkpoint(PASSIVE)');
      if (walSize() <= workerData.restartBytes) return false;
    }
    db.pragma('busy_timeout = ' + (urgent ? workerData.urgentWaitMs : workerData.restartWaitMs));
    // RESTART lets the next write start the file over (cut back to journal_size_limit) instead of
    // emptying it: regrowing it from nothing cost every write; TRUNCATE only when urgent.
    try { db.pragma(urgent ? 'wal_checkpoint(TRUNCATE)' : 'wal_checkpoint(RESTART)'); }
    finally { db.pragma('busy_timeout = 1000'); }
  } catch { /* busy or gone: the next tick tries again */ }
  return walSize() > workerData.restartBytes;
};
let timer;
const tick = () => {
  timer = setTimeout(tick, checkpoint() ? workerData.retryMs : workerData.intervalMs);
};
timer = setTimeout(tick, workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  clearTimeout(timer);
  checkpoint();
  db.close();
  parentPort.postMessage('stopped');
});
parentPort.postMessage('ready');
`;

/** A background thread checkpointing one SQLite database. */
export interface SqliteCheckpointer {
  /** Runs a last checkpoint and ends the thread. */
  stop(): Promise<void>;
}

/**
 * Moves an SQLite store's WAL checkpoints off the calling thread. With
 * synchronous=NORMAL a commit does not fsync, but a checkpoint fsyncs the WAL
 * and the database file (milliseconds each); run automatically, it stalls the
 * connection's thread — for `ferry serve`, every request in flight — about
 * once per fifty votes. The caller turns automatic checkpoints off on its own
 * connection (`wal_autocheckpoint = 0`) and this thread does them instead,
 * keeping the WAL file under `restartBytes` (plus what is written in one
 * interval) however steady the writes and reads.
 */
export async function startSqliteCheckpointer(
  path: string,
  intervalMs = DEFAULT_INTERVAL_MS,
  restartBytes = WAL_RESTART_BYTES,
): Promise<SqliteCheckpointer> {
  const module = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: {
      path,
      module,
      intervalMs,
      restartBytes,
      restartWaitMs: RESTART_WAIT_MS,
      urgentWaitMs: URGENT_RESTART_WAIT_MS,
      retryMs: RETRY_MS,
    },
  });
  // Not a reason to keep the process alive: the owner stops it on close, and an exit without
  // close still leaves a consistent database (the WAL is replayed by the next opener).
  worker.unref();
  await new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve());
    worker.once('error', reject);
  });
  let stopped: Promise<void> | undefined;
  return {
    stop: () =>
      (stopped ??= new Promise<void>((resolve) => {
        worker.once('message', () => void worker.terminate().then(() => resolve()));
        worker.once('error', () => resolve());
        worker.postMessage('stop');
      })),
  };
}
