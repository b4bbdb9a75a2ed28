/**
 * The hardening measurements of bench/api, against a running `ferry serve`:
 *
 * - GraphQL: /api/health latency while ten of the costliest queries the
 *   server accepts run at once (target p99 < 100 ms).
 * - Password floods: a valid user's write p99, idle and while an anonymous
 *   client sends 50 wrong passwords a second for the same user name (from
 *   one address, then from rotating loopback addresses, which per-address
 *   limits do not stop); target: within 1.2x of idle.
 * - Failed-login time for a known scrypt user, a DLRN sha512_crypt user and
 *   an unknown name (target: medians within 10 ms of each other).
 */
import { request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';

import autocannon from 'autocannon';

const VOTE_FIELDS = 'id commitId ciName ciUrl ciVote ciInProgress timestamp notes user component';
const COMMIT_FIELDS =
  'id type dtCommit dtDistro dtExtended dtBuild projectName repoDir distgitDir commitHash distroHash extendedHash commitBranch status component artifacts notes flags versionsCsv';

/**
 * The costliest query accepted (estimated cost 8,400 of 10,000, 15 aliases):
 * two pages of 100 votes with every field and their commits (200 lookups),
 * and twelve filters no index serves (a scan of every vote each).
 */
export const COSTLIEST_QUERY = `{ a: civote { ${VOTE_FIELDS} commit { ${COMMIT_FIELDS} } } b: civote(offset: 100) { ${VOTE_FIELDS} commit { ${COMMIT_FIELDS} } } ${Array.from(
  { length: 12 },
  (_, i) => `s${i}: civote(user: "nobody-${i}", limit: 0) { id }`,
).join(' ')} }`;

export interface Answer {
  readonly status: number;
  readonly ms: number;
}

/** One HTTP request on a fresh connection (optionally from a given loopback address). */
export function send(
  url: string,
  options: { method?: string; path: string; headers?: Record<string, string>; body?: string; from?: string },
): Promise<Answer> {
  const target = new URL(options.path, url);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(
      target,
      {
        method: options.method ?? 'GET',
        headers: options.headers,
        agent: false,
        ...(options.from ? { localAddress: options.from } : {}),
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

export const median = (values: readonly number[]): number => percentile(values, 50);

/** Health checks one after another for `seconds`: latencies, ms. */
async function healthLatencies(url: string, seconds: number): Promise<number[]> {
  const latencies: number[] = [];
  const until = performance.now() + seconds * 1000;
  while (performance.now() < until) {
    latencies.push((await send(url, { path: '/api/health' })).ms);
    await sleep(20);
  }
  return latencies;
}

export interface GraphqlRow {
  readonly idleP99: number;
  readonly loadedP50: number;
  readonly loadedP99: number;
  readonly loadedMax: number;
  readonly queries: number;
  readonly queryStatus: Record<string, number>;
  readonly queryP50: number;
}

/** /api/health while 10 connections send the costliest accepted query without pause. */
export async function graphqlUnderLoad(url: string, seconds: number): Promise<GraphqlRow> {
  const idle = await healthLatencies(url, 3);
  const load = autocannon({
    url,
    connections: 10,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        path: '/api/graphql',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: COSTLIEST_QUERY }),
      },
    ],
  });
  await sleep(1000);
  const loaded = await healthLatencies(url, seconds - 2);
  const result = await load;
  return {
    idleP99: percentile(idle, 99),
    loadedP50: median(loaded),
    loadedP99: percentile(loaded, 99),
    loadedMax: Math.max(...loaded),
    queries: result.requests.total,
    queryStatus: { '2xx': result['2xx'], non2xx: result.non2xx },
    queryP50: result.latency.p50,
  };
}

export interface FloodRow {
  readonly name: string;
  readonly p50: number;
  readonly p99: number;
  readonly requests: number;
  readonly floodStatus: Record<number, number>;
}

/**
 * A valid user's writes (autocannon, 10 connections) for `seconds`, while a
 * flood of `rate` wrong passwords a second for the same name runs (rate 0:
 * idle). `rotate`: each flood request from another loopback address.
 */
export async function writesUnderFlood(
  url: string,
  write: autocannon.Request,
  options: { name: string; seconds: number; rate: number; user: string; rotate: boolean },
): Promise<FloodRow> {
  // The flood runs on a thread of its own: in autocannon's thread its timers and connections
  // would delay the load generator and show up as the server's latency.
  const flood =
    options.rate > 0
      ? new Worker(FLOOD_SOURCE, {
          eval: true,
          workerData: { url, rate: options.rate, user: options.user, rotate: options.rotate },
        })
      : undefined;
  // Measured in the flood's steady state: its first failures (the client's burst) are hashed, then 429.
  if (flood) await sleep(3000);
  const result = await autocannon({ url, connections: 10, duration: options.seconds, requests: [write] });
  const floodStatus = flood
    ? await new Promise<Record<number, number>>((done) => {
        flood.once('message', (counts: Record<number, number>) => done(counts));
        flood.postMessage('stop');
      })
    : {};
  await flood?.terminate();
  return {
    name: options.name,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    floodStatus,
  };
}

/** The flooding thread: `rate` wrong passwords a second for `user`, each on a new connection. */
const FLOOD_SOURCE = `
const { request } = require('node:http');
const { parentPort, workerData } = require('node:worker_threads');
const counts = {};
const pending = new Set();
let n = 0;
const fire = () => {
  const from = workerData.rotate ? '127.0.' + (1 + ((n >> 8) % 250)) + '.' + (1 + (n % 250)) : undefined;
  const password = 'wrong-' + n + '-' + Math.random().toString(36).slice(2);
  n++;
  const req = request(new URL('/api/health', workerData.url), {
    method: 'POST',
    agent: false,
    headers: { authorization: 'Basic ' + Buffer.from(workerData.user + ':' + password).toString('base64') },
    ...(from ? { localAddress: from } : {}),
  }, (res) => {
    res.resume();
    res.on('end', () => { counts[res.statusCode] = (counts[res.statusCode] || 0) + 1; pending.delete(req); });
  });
  pending.add(req);
  req.on('error', () => { counts[0] = (counts[0] || 0) + 1; pending.delete(req); });
  req.end();
};
const timer = setInterval(fire, 1000 / workerData.rate);
parentPort.on('message', () => {
  clearInterval(timer);
  const check = () => (pending.size === 0 ? parentPort.postMessage(counts) : setTimeout(check, 50));
  check();
});
`;

/** Failed logins, one at a time, each from its own loopback address (no per-address limit): ms each. */
export async function failedLogins(
  url: string,
  user: string,
  count: number,
  offset: number,
): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const answer = await send(url, {
      method: 'POST',
      path: '/api/health',
      headers: { authorization: `Basic ${Buffer.from(`${user}:not-the-password-${i}`).toString('base64')}` },
      from: `127.1.${1 + ((offset + i) >> 8)}.${1 + ((offset + i) % 250)}`,
    });
    if (answer.status !== 401) throw new Error(`a failed login answered ${answer.status}`);
    times.push(answer.ms);
  }
  return times;
}
