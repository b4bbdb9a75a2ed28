/**
 * Reads over HTTP(S) end, with one error naming the URL, when the server
 * stalls, sends more than expected or answers with an error status; a
 * server that keeps sending slowly is not cut short.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { httpGet, loadRepo, parseRepoSpec } from '../../src/closure/index.js';

let server: Server;
let base: string;
const open = new Set<ServerResponse>();

beforeAll(async () => {
  server = createServer((request, response) => {
    open.add(response);
    response.on('close', () => open.delete(response));
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    if (path.startsWith('/stall/')) return; // never answers
    if (path === '/half') {
      response.writeHead(200, { 'content-length': '100' });
      response.write('x'.repeat(10)); // then nothing more
      return;
    }
    if (path === '/declared-big') {
      response.writeHead(200, { 'content-length': String(10_000) });
      response.end('x'.repeat(10_000));
      return;
    }
    if (path === '/chunked-big') {
      response.writeHead(200); // chunked: no length announced
      for (let i = 0; i < 10; i++) response.write('x'.repeat(1000));
      response.end();
      return;
    }
    if (path === '/trickle') {
      // 6 chunks 250 ms apart: 1.5 s in all, longer than the 1 s timeout, but never idle that long.
      response.writeHead(200);
      let sent = 0;
      const timer = setInterval(() => {
        response.write('y');
        if (++sent === 6) {
          clearInterval(timer);
          response.end();
        }
      }, 250);
      return;
    }
    response.writeHead(500).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const response of open) response.destroy();
  await new Promise((resolve) => server?.close(resolve));
});

async function errorOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'no error';
  } catch (error) {
    return String(error).replace(/^FerryError: /, '');
  }
}

describe('httpGet', () => {
  it('gives up on a server that stops answering, naming the URL', async () => {
    const limits = { timeoutMs: 100 };

    expect(await errorOf(httpGet(`${base}/stall/x`, limits))).toBe(
      `cannot fetch ${base}/stall/x: no response for 0.1 s`,
    );
    expect(await errorOf(httpGet(`${base}/half`, limits))).toBe(
      `cannot fetch ${base}/half: no response for 0.1 s`,
    );
  });

  it('refuses bodies larger than expected, announced or not', async () => {
    expect(await errorOf(httpGet(`${base}/declared-big`, { maxBytes: 5000 }))).toBe(
      `cannot fetch ${base}/declared-big: 10000 bytes, more than the 5000 expected`,
    );
    expect(await errorOf(httpGet(`${base}/chunked-big`, {}, 5000))).toBe(
      `cannot fetch ${base}/chunked-big: more than the 5000 bytes expected`,
    );
    expect((await httpGet(`${base}/chunked-big`, { maxBytes: 10_000 })).length).toBe(10_000);
  });

  it('keeps reading a body that arrives slowly but steadily', async () => {
    expect((await httpGet(`${base}/trickle`, { timeoutMs: 1000 })).toString()).toBe('yyyyyy');
  });

  it('names the status of an error answer', async () => {
    expect(await errorOf(httpGet(`${base}/other`))).toBe(`cannot fetch ${base}/other: HTTP 500`);
  });
});

describe('loadRepo over HTTP', () => {
  it('passes its limits on to every read', async () => {
    const spec = parseRepoSpec(`stalled,${base}/stall/repo`);

    expect(await errorOf(loadRepo(spec, { http: { timeoutMs: 100 } }))).toBe(
      `cannot fetch ${base}/stall/repo/repodata/repomd.xml: no response for 0.1 s`,
    );
  });
});
