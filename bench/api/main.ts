/**
 * API benchmark: `ferry serve` (the compiled binary, its own process) on a
 * workspace whose store holds 20,000 commits and 100,000 votes, loaded with
 * autocannon over loopback: GET /api/last_tested_repo (DLRN's CI query, a
 * few variants) and POST /api/report_result (authenticated votes). Prints
 * requests/s, p50/p99 latency, non-2xx answers and the server's peak memory,
 * against the target p99 < 20 ms at 50 connections.
 *
 * There is no reference tool run beside it: DLRN's Flask API needs Flask,
 * SQLAlchemy, pydantic 1 and flask-container-scaffold, which this machine
 * does not have; the target is absolute.
 *
 * Then the hardening figures (bench/api/hardening.ts): /api/health while ten
 * of the costliest accepted GraphQL queries run, a valid user's writes under
 * a flood of wrong passwords for the same name, and failed-login times for
 * known (scrypt, DLRN sha512_crypt) and unknown users.
 *
 * usage: bench/api/run.sh [--connections 50] [--duration 10] [--commits 20000] [--votes 100000] [--database postgres://…]
 *        [--only last_tested_repo|report_result|graphql|flood|logins] [--profile DIR]
 *        (--profile: the server writes a V8 CPU profile there)
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

import autocannon from 'autocannon';

import { hashPassword } from '../../src/auth/index.js';
import { openStore, seedStore, type SeedSummary } from '../../src/store/index.js';
import { exec } from '../../src/util/exec.js';
import {
  failedLogins,
  graphqlUnderLoad,
  median,
  writesUnderFlood,
  type FloodRow,
  type GraphqlRow,
} from './hardening.js';

const ROOT = resolve(import.meta.dirname, '../..');
const CACHE = join(ROOT, '.bench-cache', 'api');
const TARGET_P99_MS = 20;

const { values } = parseArgs({
  options: {
    connections: { type: 'string', default: '50' },
    duration: { type: 'string', default: '10' },
    commits: { type: 'string', default: '20000' },
    votes: { type: 'string', default: '100000' },
    database: { type: 'string' },
    only: { type: 'string' },
    profile: { type: 'string' },
  },
});
const connections = Number(values.connections);
const duration = Number(values.duration);
const commits = Number(values.commits);
const votes = Number(values.votes);

const USER = 'bench-ci';
const PASSWORD = 'bench-ci-password';
/** A user imported from DLRN: sha512_crypt at passlib's default rounds. */
const DLRN_USER = 'bench-dlrn';

/** The DLRN user, added to the run's store when missing (the seeded cache predates it). */
async function addDlrnUser(databaseUrl: string, workspace: string): Promise<void> {
  const url = databaseUrl.startsWith('sqlite:')
    ? `sqlite:${join(workspace, databaseUrl.slice(7))}`
    : databaseUrl;
  const store = await openStore(url);
  if (!(await store.getUser(DLRN_USER))) {
    // The C library's crypt(3), as DLRN's passlib writes the hash.
    const { stdout } = await exec('perl', [
      '-e',
      'print crypt($ARGV[0], $ARGV[1])',
      'dlrn-password',
      '$6$rounds=656000$benchsaltbench',
    ]);
    const passwordHash = stdout.trim();
    await store.addUser({ name: DLRN_USER, passwordHash, role: 'write' });
  }
  await store.close();
}

interface Seeded {
  readonly summary: SeedSummary;
  readonly databaseUrl: string;
}

/** The seeded SQLite store, built once into .bench-cache/api/ and copied for each run (report_result adds rows). */
async function seededSqlite(): Promise<Seeded> {
  const seeded = join(CACHE, `seed-${commits}-${votes}.db`);
  const summaryFile = `${seeded}.json`;
  if (!existsSync(seeded) || !existsSync(summaryFile)) {
    await mkdir(CACHE, { recursive: true });
    await rm(seeded, { force: true });
    const started = performance.now();
    const store = await openStore(`sqlite:${seeded}`);
    const summary = await seedStore(store, { commits, votes, now: 1_700_000_000 });
    await store.addUser({ name: USER, passwordHash: await hashPassword(PASSWORD), role: 'write' });
    await store.close();
    await writeFile(summaryFile, JSON.stringify(summary));
    process.stdout.write(
      `seeded ${commits} commits and ${votes} votes in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
    );
  }
  const run = join(CACHE, 'run');
  await rm(run, { recursive: true, force: true });
  await mkdir(run, { recursive: true });
  await copyFile(seeded, join(run, 'ferry.db'));
  return {
    summary: JSON.parse(await readFile(summaryFile, 'utf8')) as SeedSummary,
    databaseUrl: 'sqlite:ferry.db',
  };
}

/** A PostgreSQL store seeded for this run (emptied first). */
async function seededPostgres(url: string): Promise<Seeded> {
  const store = await openStore(url, { create: true });
  if ((await store.storeCounts()).builds > 0) {
    await store.close();
    throw new Error(`${url} is not empty: give the benchmark a database of its own`);
  }
  const summary = await seedStore(store, { commits, votes, now: 1_700_000_000 });
  await store.addUser({ name: USER, passwordHash: await hashPassword(PASSWORD), role: 'write' });
  await store.close();
  return { summary, databaseUrl: url };
}

interface Server {
  readonly url: string;
  readonly pid: number;
  stop(): Promise<void>;
}

async function startServer(workspace: string): Promise<Server> {
  const profile = values.profile ? ['--cpu-prof', `--cpu-prof-dir=${resolve(values.profile)}`] : [];
  const child = spawn(process.execPath, [...profile, join(ROOT, 'bin', 'ferry.js'), 'serve', '--port', '0'], {
    cwd: workspace,
    env: { ...process.env, FERRY_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolveUrl, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) resolveUrl(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`ferry serve exited with ${code}: ${out}`)));
  });
  return {
    url,
    pid: child.pid!,
    stop: () =>
      new Promise((done) => {
        child.once('exit', () => done());
        child.kill('SIGTERM');
      }),
  };
}

/** CPU seconds (user + system) a process has used so far. */
async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Peak resident memory of a process (VmHWM), MiB. */
async function peakMemoryMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

interface Row {
  readonly name: string;
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly requests: number;
  readonly non2xx: number;
  readonly errors: number;
  /** Server CPU time per request, µs: what the machine's load does not change much. */
  readonly cpuPerRequest: number;
}

async function load(name: string, pid: number, options: autocannon.Options): Promise<Row> {
  // Warm-up, not measured: credentials verified once, statements prepared, and the JIT warm for
  // the paths this load takes (at full concurrency votes are written in batches, not one by one).
  await autocannon({ ...options, connections, duration: 3 });
  const cpuBefore = await cpuSeconds(pid);
  const result = await autocannon({ ...options, connections, duration });
  const cpu = (await cpuSeconds(pid)) - cpuBefore;
  return {
    cpuPerRequest: (cpu / Math.max(1, result.requests.total)) * 1e6,
    name,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

async function main(): Promise<void> {
  if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) {
    throw new Error('dist/ is missing: run `npm run build` (make bench does) first');
  }
  const seeded = values.database ? await seededPostgres(values.database) : await seededSqlite();
  const workspace = join(CACHE, 'run');
  await mkdir(workspace, { recursive: true });
  await writeFile(
    join(workspace, 'ferry.yaml'),
    `database: ${JSON.stringify(seeded.databaseUrl)}\nbaseurl: http://127.0.0.1/repos\n`,
  );
  await addDlrnUser(seeded.databaseUrl, workspace);
  const server = await startServer(workspace);
  const auth = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;
  const { samples, ciNames } = seeded.summary;
  const rows: Row[] = [];
  let graphql: GraphqlRow | undefined;
  const floods: FloodRow[] = [];
  let logins: Record<string, number[]> | undefined;
  const wanted = (endpoint: string): boolean => values.only === undefined || values.only === endpoint;
  try {
    if (wanted('last_tested_repo'))
      rows.push(
        await load('GET /api/last_tested_repo', server.pid, {
          url: server.url,
          requests: [
            { method: 'GET', path: '/api/last_tested_repo?max_age=0' },
            { method: 'GET', path: `/api/last_tested_repo?max_age=0&job_id=${ciNames[3]}` },
            { method: 'GET', path: `/api/last_tested_repo?max_age=0&job_id=${ciNames[5]}&success=false` },
            { method: 'GET', path: '/api/last_tested_repo?max_age=0&job_id=no-such-job' },
            {
              method: 'GET',
              path: `/api/last_tested_repo?max_age=0&sequential_mode=true&previous_job_id=${ciNames[1]}`,
            },
          ],
        }),
      );
    if (wanted('report_result'))
      rows.push(
        await load('POST /api/report_result', server.pid, {
          url: server.url,
          requests: samples.slice(0, 5).map((sample, i) => ({
            method: 'POST' as const,
            path: '/api/report_result',
            headers: { 'content-type': 'application/json', authorization: auth },
            body: JSON.stringify({
              job_id: `bench-job-${i}`,
              commit_hash: sample.commitHash,
              distro_hash: sample.distroHash,
              url: `https://ci.example.org/bench/${i}`,
              timestamp: String(1_700_000_000 + i),
              success: i % 2 === 0 ? 'true' : 'false',
            }),
          })),
        }),
      );
    if (wanted('graphql')) graphql = await graphqlUnderLoad(server.url, Math.max(duration, 5));
    if (wanted('flood')) {
      const write: autocannon.Request = {
        method: 'POST',
        path: '/api/report_result',
        headers: { 'content-type': 'application/json', authorization: auth },
        body: JSON.stringify({
          job_id: 'bench-flooded',
          commit_hash: samples[0]!.commitHash,
          distro_hash: samples[0]!.distroHash,
          url: 'https://ci.example.org/bench/flooded',
          timestamp: '1700000000',
          success: 'true',
        }),
      };
      const common = { seconds: duration, user: USER };
      // Warm-up: the credentials verified and cached, the write path warm.
      await writesUnderFlood(server.url, write, {
        ...common,
        seconds: 3,
        name: 'warm-up',
        rate: 0,
        rotate: false,
      });
      floods.push(
        await writesUnderFlood(server.url, write, { ...common, name: 'idle', rate: 0, rotate: false }),
      );
      floods.push(
        await writesUnderFlood(server.url, write, {
          ...common,
          name: 'flood, one address',
          rate: 50,
          rotate: false,
        }),
      );
      floods.push(
        await writesUnderFlood(server.url, write, {
          ...common,
          name: 'flood, rotating addresses',
          rate: 50,
          rotate: true,
        }),
      );
    }
    if (wanted('logins')) {
      // Known users' checks and the unknown-user one interleaved, so load changes hit all three alike.
      logins = { 'known (scrypt)': [], 'known (DLRN sha512_crypt)': [], unknown: [] };
      for (let round = 0; round < 10; round++) {
        logins['known (scrypt)']!.push(...(await failedLogins(server.url, USER, 1, round * 3)));
        logins['known (DLRN sha512_crypt)']!.push(
          ...(await failedLogins(server.url, DLRN_USER, 1, round * 3 + 1)),
        );
        logins.unknown!.push(...(await failedLogins(server.url, 'nobody-here', 1, round * 3 + 2)));
      }
    }
  } finally {
    const peak = await peakMemoryMiB(server.pid).catch(() => Number.NaN);
    await server.stop();
    const store = await openStore(values.database ?? `sqlite:${join(workspace, 'ferry.db')}`);
    const stored = await store.storeCounts();
    await store.close();
    process.stdout.write(
      `\nferry serve, ${values.database ? 'PostgreSQL' : 'SQLite'} store with ${seeded.summary.commits} commits and ${votes} votes; ` +
        `autocannon, ${connections} connections, ${duration} s per endpoint on loopback\n\n`,
    );
    process.stdout.write(
      `${'endpoint'.padEnd(26)} ${'req/s'.padStart(9)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'p99/target'.padStart(11)} ${'non-2xx'.padStart(8)} ${'errors'.padStart(7)} ${'cpu µs/req'.padStart(11)}\n`,
    );
    for (const row of rows) {
      process.stdout.write(
        `${row.name.padEnd(26)} ${row.rps.toFixed(0).padStart(9)} ${row.p50.toFixed(1).padStart(8)} ${row.p99.toFixed(1).padStart(8)} ${(row.p99 / TARGET_P99_MS).toFixed(2).padStart(11)} ${String(row.non2xx).padStart(8)} ${String(row.errors).padStart(7)} ${row.cpuPerRequest.toFixed(0).padStart(11)}\n`,
      );
    }
    process.stdout.write(
      `\nserver peak memory (VmHWM): ${peak.toFixed(0)} MiB; votes stored after the run: ${stored.votes}\n`,
    );
    process.stdout.write(
      `target: p99 < ${TARGET_P99_MS} ms at ${connections} connections (a ratio below 1.00 meets it)\n`,
    );
    printHardening(graphql, floods, logins);
  }
  if (rows.some((row) => row.errors > 0 || row.non2xx > row.requests * 0.5)) process.exitCode = 1;
}

function printHardening(
  graphql: GraphqlRow | undefined,
  floods: readonly FloodRow[],
  logins: Record<string, number[]> | undefined,
): void {
  if (graphql) {
    process.stdout.write(
      `\nGET /api/health while 10 connections send the costliest accepted GraphQL query (cost 8,400 of 10,000):\n` +
        `  health p50 ${graphql.loadedP50.toFixed(1)} ms, p99 ${graphql.loadedP99.toFixed(1)} ms, max ${graphql.loadedMax.toFixed(1)} ms ` +
        `(idle p99 ${graphql.idleP99.toFixed(1)} ms); p99/target ${(graphql.loadedP99 / 100).toFixed(2)} (target p99 < 100 ms)\n` +
        `  queries answered: ${graphql.queries} (${JSON.stringify(graphql.queryStatus)}), query p50 ${graphql.queryP50} ms\n`,
    );
  }
  if (floods.length > 0) {
    const idle = floods.find((row) => row.name === 'idle');
    process.stdout.write(
      '\nPOST /api/report_result by a valid user (10 connections), wrong passwords for the same name at 50/s:\n',
    );
    for (const row of floods) {
      const ratio = idle ? (row.p99 / idle.p99).toFixed(2) : '-';
      const statuses = Object.entries(row.floodStatus)
        .map(([status, count]) => `${status}: ${count}`)
        .join(', ');
      process.stdout.write(
        `  ${row.name.padEnd(28)} p50 ${row.p50.toFixed(1).padStart(6)} ms  p99 ${row.p99.toFixed(1).padStart(6)} ms  ` +
          `p99/idle ${ratio.padStart(5)}  writes ${row.requests}${statuses ? `  flood answers {${statuses}}` : ''}\n`,
      );
    }
    process.stdout.write('  target: p99 within 1.2x of idle\n');
  }
  if (logins) {
    const medians = Object.fromEntries(Object.entries(logins).map(([name, times]) => [name, median(times)]));
    const values = Object.values(medians);
    process.stdout.write('\nfailed login (401), one at a time, median of 10 each:\n');
    for (const [name, value] of Object.entries(medians))
      process.stdout.write(`  ${name.padEnd(28)} ${value.toFixed(1)} ms\n`);
    process.stdout.write(
      `  largest difference between medians: ${(Math.max(...values) - Math.min(...values)).toFixed(1)} ms (target < 10 ms)\n`,
    );
  }
}

await main();
