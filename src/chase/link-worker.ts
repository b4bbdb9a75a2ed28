import { Worker } from 'node:worker_threads';

/** Hard links to make: `existing[i]` (relative to `from`) gets the new name `created[i]` (relative to `into`). */
export interface LinkBatch {
  readonly from: string;
  readonly into: string;
  readonly existing: readonly string[];
  readonly created: readonly string[];
}

/**
 * The worker's code (a CommonJS script, so it runs the same from src/ and
 * dist/): it makes each batch of hard links with linkSync and answers with
 * the batch id and the first error, if any. Paths are joined here: the
 * caller sends two NUL-separated lists of names, cheaper to build and to
 * copy across.
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { linkSync } = require('node:fs');
parentPort.on('message', ({ id, from, into, existing, created }) => {
  try {
    const sources = existing.split('\\0');
    const targets = created.split('\\0');
    for (let i = 0; i < sources.length; i++) linkSync(from + '/' + sources[i], into + '/' + targets[i]);
    parentPort.postMessage({ id });
  } catch (error) {
    parentPort.postMessage({ id, error: { message: error.message, code: error.code } });
  }
});
`;

interface Reply {
  readonly id: number;
  readonly error?: { readonly message: string; readonly code?: string };
}

let worker: Worker | undefined;
let nextId = 0;
const waiting = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();

function linkThread(): Worker {
  if (worker) return worker;
  const started = new Worker(WORKER_SOURCE, { eval: true });
  started.on('message', (reply: Reply) => {
    const pending = waiting.get(reply.id);
    if (!pending) return;
    waiting.delete(reply.id);
    if (reply.error) {
      pending.reject(Object.assign(new Error(reply.error.message), { code: reply.error.code }));
    } else {
      pending.resolve();
    }
  });
  started.on('error', (error) => {
    for (const pending of waiting.values()) pending.reject(error);
    waiting.clear();
    worker = undefined;
  });
  worker = started;
  return started;
}

/**
 * Makes hard links on a thread of its own, so the caller's thread does
 * other work meanwhile: a snapshot's hundreds of links (5 ms and more for
 * 500) are made while its repodata is computed. Stops at the first failure
 * and rejects with it (an Error with the fs `code`); links made before it
 * stay. The thread is started on first use and does not keep the process
 * alive while idle.
 */
export function makeLinks(batch: LinkBatch): Promise<void> {
  if (batch.existing.length !== batch.created.length) {
    return Promise.reject(new Error('makeLinks: as many new names as existing files are needed'));
  }
  if (batch.existing.length === 0) return Promise.resolve();
  const thread = linkThread();
  const id = nextId++;
  return new Promise<void>((resolve, reject) => {
    waiting.set(id, { resolve, reject });
    thread.ref();
    // One string per list (paths hold no NUL): cloned across far cheaper than arrays of strings.
    thread.postMessage({
      id,
      from: batch.from,
      into: batch.into,
      existing: batch.existing.join('\0'),
      created: batch.created.join('\0'),
    });
  }).finally(() => {
    if (waiting.size === 0) worker?.unref();
  });
}
