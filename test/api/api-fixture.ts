import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';

import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';

import { buildApp, type ApiDeps } from '../../src/api/index.js';
import { hashPassword, type ScryptParams } from '../../src/auth/index.js';
import {
  renderDeloreanRepo,
  renderVersionsCsv,
  shardedCommitDir,
  snapshotDir,
} from '../../src/layout/index.js';
import type { CommitRecord, NewCommit, Store, StoreApi, StoreDialect } from '../../src/store/index.js';
import { exec } from '../../src/util/exec.js';
import { openTestStore, postgresStoreDatabaseUrl, STORE_TABLES } from '../helpers/databases.js';

/** Cheap scrypt for tests (the production default costs ~100 ms per hash). */
export const TEST_SCRYPT: ScryptParams = { logN: 10, r: 8, p: 1 };
/** The fixed "now" of the fixture's clock. */
export const NOW = 1_700_000_000;
export const BASEURL = 'http://ferry.example.org/repos';

export const PASSWORDS = {
  reader: 'reader-password',
  writer: 'writer-password',
  admin: 'admin-password',
  dlrn: 'dlrn-password',
} as const;

/** `Authorization` header value for HTTP Basic. */
export function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
}

export const AUTH = {
  reader: basic('reader', PASSWORDS.reader),
  writer: basic('writer', PASSWORDS.writer),
  admin: basic('admin', PASSWORDS.admin),
  dlrn: basic('dlrn-user', PASSWORDS.dlrn),
} as const;

/** A 40-hex hash derived from a word, so tests read well and hashes are realistic. */
export function hashOf(word: string): string {
  return Buffer.from(word.padEnd(20, '.').slice(0, 20), 'utf8').toString('hex');
}

/** The builds of the fixture, by role in the tests. */
export interface FixtureCommits {
  /** python-foo, SUCCESS, the consistent snapshot. */
  readonly foo: CommitRecord;
  /** python-bar, SUCCESS, with an extended hash. */
  readonly bar: CommitRecord;
  /** python-baz, FAILED (recheckable). */
  readonly baz: CommitRecord;
  /** python-old, SUCCESS but purged. */
  readonly purged: CommitRecord;
  /** python-tht in component tripleo, SUCCESS. */
  readonly tripleo: CommitRecord;
  /** python-nova in component compute, SUCCESS. */
  readonly compute: CommitRecord;
  /** python-qux, RETRY only. */
  readonly retry: CommitRecord;
  /** python-foo, an older SUCCESS build (not purged). */
  readonly fooOld: CommitRecord;
}

export interface ApiFixture {
  /** The current test's store (a fresh one per test). */
  readonly store: Store;
  readonly app: FastifyInstance;
  readonly reposDir: string;
  readonly dir: string;
  readonly commits: FixtureCommits;
  /** Log lines the app wrote (JSON) during the current test, for checking what is and is not logged. */
  readonly logs: string[];
  inject(options: InjectOptions | string): Promise<LightMyRequestResponse>;
}

let dlrnHash: Promise<string> | undefined;

/** DLRN's sha512_crypt of a password, made by the reference tool (openssl passwd -6). */
export async function sha512Crypt(password: string, salt = 'ferrysalt'): Promise<string> {
  const { stdout } = await exec('openssl', ['passwd', '-6', '-salt', salt, '-stdin'], {
    input: `${password}\n`,
  });
  return stdout.trim();
}

async function writeSnapshot(reposDir: string, commit: CommitRecord): Promise<void> {
  const dir = snapshotDir(reposDir, commit);
  await mkdir(dir, { recursive: true });
  const sharded = shardedCommitDir(commit);
  await writeFile(
    join(dir, 'delorean.repo'),
    renderDeloreanRepo({
      projectName: commit.projectName,
      commitHash: commit.commitHash,
      baseurl: BASEURL,
      shardedDir: sharded,
      component: commit.component,
    }),
  );
  await writeFile(
    join(dir, 'versions.csv'),
    renderVersionsCsv([
      {
        project: commit.projectName,
        sourceRepo: `https://git.example.org/${commit.projectName}`,
        sourceSha: commit.commitHash,
        distRepo: `https://git.example.org/${commit.projectName}-distgit`,
        distSha: commit.distroHash,
        status: 'SUCCESS',
        lastSuccessTimestamp: commit.dtBuild,
        component: commit.component,
        extendedSha: commit.extendedHash,
        nvr: commit.nvr ?? '',
      },
    ]),
  );
  await writeFile(join(dir, 'rpmbuild.log'), `build log of ${commit.projectName}\n`);
}

function build(project: string, word: string, extra: Partial<NewCommit> = {}): NewCommit {
  return {
    projectName: project,
    commitHash: hashOf(`${word}-commit`),
    distroHash: hashOf(`${word}-distro`),
    status: 'SUCCESS',
    dtCommit: NOW - 7200,
    dtDistro: NOW - 7300,
    dtBuild: NOW - 3600,
    nvr: `${project}-1.0.0-0.${word}.el9`,
    commitBranch: 'master',
    ...extra,
  };
}

/** The fixture's users: one per role, and one with a DLRN sha512_crypt hash. */
export async function seedUsers(store: StoreApi): Promise<void> {
  dlrnHash ??= sha512Crypt(PASSWORDS.dlrn);
  await store.addUser({
    name: 'reader',
    passwordHash: await hashPassword(PASSWORDS.reader, TEST_SCRYPT),
    role: 'read',
  });
  await store.addUser({
    name: 'writer',
    passwordHash: await hashPassword(PASSWORDS.writer, TEST_SCRYPT),
    role: 'write',
  });
  await store.addUser({
    name: 'admin',
    passwordHash: await hashPassword(PASSWORDS.admin, TEST_SCRYPT),
    role: 'admin',
  });
  await store.addUser({ name: 'dlrn-user', passwordHash: await dlrnHash, role: 'write' });
}

/**
 * Fills a store and a repos/ directory with the fixture: users of each role
 * (and one with a DLRN sha512_crypt hash), builds of every status, votes,
 * and the snapshot directories of the successful builds.
 */
export async function seedFixture(
  store: StoreApi,
  reposDir: string,
  options: { readonly users?: boolean } = {},
): Promise<FixtureCommits> {
  if (options.users !== false) await seedUsers(store);
  const fooOld = await store.recordCommit(
    build('python-foo', 'foo-old', { dtCommit: NOW - 90_000, dtBuild: NOW - 86_400 }),
  );
  const foo = await store.recordCommit(build('python-foo', 'foo'));
  const bar = await store.recordCommit(build('python-bar', 'bar', { extendedHash: hashOf('bar-extended') }));
  const baz = await store.recordCommit(
    build('python-baz', 'baz', { status: 'FAILED', nvr: null, notes: 'error: build failed' }),
  );
  const purged = await store.recordCommit(build('python-old', 'old', { flags: 0x2, dtBuild: NOW - 200_000 }));
  const tripleo = await store.recordCommit(build('python-tht', 'tht', { component: 'tripleo' }));
  const compute = await store.recordCommit(build('python-nova', 'nova', { component: 'compute' }));
  const retry = await store.recordCommit(build('python-qux', 'qux', { status: 'RETRY', nvr: null }));
  for (const commit of [fooOld, foo, bar, tripleo, compute]) await writeSnapshot(reposDir, commit);

  await store.recordVote({ commitId: foo.id, ciName: 'consistent', ciVote: true, timestamp: NOW - 3000 });
  await store.recordVote({
    commitId: fooOld.id,
    ciName: 'job-a',
    ciVote: true,
    timestamp: NOW - 80_000,
    user: 'writer',
  });
  await store.recordVote({
    commitId: foo.id,
    ciName: 'job-a',
    ciVote: true,
    timestamp: NOW - 2000,
    user: 'writer',
    ciUrl: 'https://ci.example.org/1',
  });
  await store.recordVote({
    commitId: bar.id,
    ciName: 'job-b',
    ciVote: false,
    timestamp: NOW - 1000,
    user: 'writer',
    notes: 'failed <b>tempest</b>',
  });
  await store.recordVote({
    commitId: tripleo.id,
    ciName: 'job-c',
    ciVote: true,
    timestamp: NOW - 500,
    user: 'writer',
    component: 'tripleo',
  });
  return { foo, bar, baz, purged, tripleo, compute, retry, fooOld };
}

/** A StoreApi that forwards to whichever store is current, so one app serves a fresh store per test. */
function forwardingStore(holder: { current: Store | undefined }): Store {
  return new Proxy({} as Store, {
    get: (_target, property) => {
      if (!holder.current) throw new Error('no store: the fixture is not set up');
      return Reflect.get(holder.current, property) as unknown;
    },
  });
}

/**
 * One app per test file (building one costs far more than a test), on a
 * fresh store, repos/ tree and log per test: registers vitest hooks and
 * returns a handle whose fields are the current test's.
 */
export function useApiFixture(dialect: StoreDialect, deps: Partial<ApiDeps> = {}): ApiFixture {
  const holder: { current: Store | undefined } = { current: undefined };
  let app: FastifyInstance | undefined;
  let dir = '';
  let commits: FixtureCommits | undefined;
  const logs: string[] = [];
  const reposDir = () => join(dir, 'repos');

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ferry-api-'));
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        logs.push(
          ...chunk
            .toString('utf8')
            .split('\n')
            .filter((line) => line !== ''),
        );
        callback();
      },
    });
    app = await buildApp({
      store: forwardingStore(holder),
      reposDir: reposDir(),
      baseurl: BASEURL,
      clock: () => NOW,
      scryptParams: TEST_SCRYPT,
      logger: pino({ level: 'info' }, sink),
      metricsRefreshSeconds: 0,
      ...deps,
    });
    await app.ready();
  });
  // PostgreSQL: one store per file, emptied before each test (opening one costs far more than TRUNCATE).
  let pgClient: pg.Client | undefined;
  beforeEach(async () => {
    logs.length = 0;
    await rm(reposDir(), { recursive: true, force: true });
    await mkdir(reposDir(), { recursive: true });
    if (dialect === 'sqlite') {
      holder.current = await openTestStore(dialect, { clock: () => NOW });
    } else if (!holder.current) {
      holder.current = await openTestStore(dialect, { clock: () => NOW });
      pgClient = new pg.Client({ connectionString: await postgresStoreDatabaseUrl() });
      await pgClient.connect();
    } else {
      await pgClient!.query(`TRUNCATE ${STORE_TABLES.join(', ')} RESTART IDENTITY CASCADE`);
    }
    commits = await seedFixture(holder.current, reposDir());
  });
  afterEach(async () => {
    if (dialect === 'sqlite') {
      await holder.current?.close();
      holder.current = undefined;
    }
  });
  afterAll(async () => {
    await app?.close();
    await pgClient?.end();
    await holder.current?.close();
    if (!process.env.FERRY_KEEP_TEST_DIRS) await rm(dir, { recursive: true, force: true });
  });

  return {
    get store() {
      return holder.current!;
    },
    get app() {
      return app!;
    },
    get reposDir() {
      return reposDir();
    },
    get dir() {
      return dir;
    },
    get commits() {
      return commits!;
    },
    logs,
    inject: (options) => app!.inject(options),
  };
}

/** A JSON POST with credentials. */
export function post(url: string, payload: unknown, auth: string = AUTH.writer) {
  return {
    method: 'POST' as const,
    url,
    headers: { authorization: auth, 'content-type': 'application/json' },
    payload: JSON.stringify(payload),
  };
}
