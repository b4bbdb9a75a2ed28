import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** How often the checkpointer copies the WAL back into the database file. */
const DEFAULT_INTERVAL_MS = 250;

/**
 * The worker's code, a CommonJS script (eval: true runs it as one, wherever
 * ferry runs from: src/ under tsx or vitest, dist/ when installed). Its own
 * connection runs PASSIVE checkpoints: they never wait for readers or
 * writers, and copy whatever the WAL holds that no reader still needs.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.path, { fileMustExist: true });
db.pragma('busy_timeout = 1000');
const checkpoint = () => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch { /* busy or gone: the next tick tries again */ }
};
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  clearInterval(timer);
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
 * connection (`wal_autocheckpoint = 0`) and this thread does them instead.
 */
export async function startSqliteCheckpointer(
  path: string,
  intervalMs = DEFAULT_INTERVAL_MS,
): Promise<SqliteCheckpointer> {
  const module = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { path, module, intervalMs } });
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
