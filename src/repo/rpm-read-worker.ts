/**
 * Worker thread body of rpm-read-pool.ts: reads a batch of .rpm files,
 * renders their XML fragments and sends them back as one transferred buffer
 * (no per-package copies or clones), plus the models when asked.
 */
import { parentPort } from 'node:worker_threads';

import { loadPartBuilders, readRpmBatch, type BatchRequest } from './rpm-read-batch.js';

const port = parentPort;
if (port) {
  port.on('message', (request: BatchRequest) => {
    void loadPartBuilders(request.partModules).then((builders) => {
      const result = readRpmBatch(request, builders);
      port.postMessage(result, [result.data.buffer as ArrayBuffer]);
    });
  });
}
