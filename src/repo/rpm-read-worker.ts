/**
 * Worker thread body of rpm-read-pool.ts: reads a batch of .rpm files,
 * renders their XML fragments and sends them back as one transferred buffer
 * (no per-package copies or clones), plus the models when asked.
 */
import { parentPort } from 'node:worker_threads';

import { readRpmBatch, type BatchRequest } from './rpm-read-batch.js';

const port = parentPort;
if (port) {
  port.on('message', (request: BatchRequest) => {
    const result = readRpmBatch(request);
    port.postMessage(result, [result.data.buffer as ArrayBuffer]);
  });
}
