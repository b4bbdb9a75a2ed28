import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { buildApp } from '../../src/api/index.js';
import { hashPassword } from '../../src/auth/index.js';
import { readLabel, snapshotDir } from '../../src/layout/index.js';
import type { StatusReport } from '../../src/report/index.js';
import type { CommitRecord, Store } from '../../src/store/index.js';
import { AUTH, post, PASSWORDS, TEST_SCRYPT } from '../api/api-fixture.js';
import { runFerry } from '../helpers/run-ferry.js';
import { createChaseWorkspace, type ChaseWorkspace } from './chase-workspace.js';

/** 2100-01-01, the time of the hardening issue's vote. */
const YEAR_2100 = 4_102_444_800;

/**
 * Hardening item 1: a user with the write role must not move `consistent`.
 * The vote the issue quotes (job_id `consistent`, success false, dated 2100)
 * is refused by the API; and a row like it that an older version stored (or
 * an import brought) moves nothing either: recovery follows the chaser's own
 * label moves, at the next pass and at every later one.
 */
describe('consistent is moved by the chaser only', () => {
  let ws: ChaseWorkspace;
  let store: Store;
  let app: FastifyInstance;
  let first: CommitRecord;

  const consistentDir = async (): Promise<string | undefined> =>
    (await readLabel(ws.reposDir, 'consistent'))?.dir;

  beforeAll(async () => {
    ws = await createChaseWorkspace({ packages: [{ name: 'tl-lib' }, { name: 'tl-app' }], workers: 1 });
    await ws.chase();
    store = await ws.openStore();
    await store.addUser({
      name: 'writer',
      passwordHash: await hashPassword(PASSWORDS.writer, TEST_SCRYPT),
      role: 'write',
    });
    app = await buildApp({
      store,
      reposDir: ws.reposDir,
      baseurl: 'http://localhost/repos',
      serveRepos: false,
    });
    // The oldest build: a successful snapshot that consistent never showed (the other package was unbuilt).
    const [oldest] = await store.findCommits({ order: 'asc', limit: 1 });
    first = oldest!;
  });

  afterAll(async () => {
    await app?.close();
    await store?.close();
  });

  it('refuses the vote of the issue, and the reserved job name alone, recording nothing', async () => {
    const before = await store.findVotes();
    const vote = {
      job_id: 'consistent',
      commit_hash: first.commitHash,
      distro_hash: first.distroHash,
      url: 'https://ci.example.org/1',
      success: false,
    };

    const issue = await app.inject(post('/api/report_result', { ...vote, timestamp: YEAR_2100 }));
    const reserved = await app.inject(
      post('/api/report_result', { ...vote, timestamp: Math.floor(Date.now() / 1000) }, AUTH.writer),
    );

    expect(issue.statusCode).toBe(400);
    expect(issue.json<{ message: string }>().message).toMatch(/^Invalid parameters: timestamp: out of range/);
    expect(reserved.statusCode).toBe(403);
    expect(reserved.json<{ message: string }>().message).toMatch(/^Invalid job_id consistent: /);
    expect(await store.findVotes()).toEqual(before);
  });

  it('keeps consistent where the chaser put it when such a vote is in the store, at every later pass', async () => {
    const placed = await consistentDir();
    const [newest] = await store.findCommits({ limit: 1 });
    // As an older ferry stored it (or as an import brings it).
    await store.recordVote({
      commitId: first.id,
      ciName: 'consistent',
      ciVote: false,
      timestamp: YEAR_2100,
      user: 'writer',
    });

    await ws.chase();
    const afterRecovery = await consistentDir();
    await ws.upstreamCommit('tl-lib', { 'NEWS.txt': 'a change\n' }, 'A change');
    await ws.chase();
    const [rebuilt] = await store.findCommits({ limit: 1 });
    const afterBuild = await consistentDir();
    await ws.chase();
    const later = await consistentDir();

    expect(placed).toBe(snapshotDir(ws.reposDir, newest!));
    expect(first.id).not.toBe(newest!.id);
    expect(afterRecovery).toBe(placed);
    expect(rebuilt!.projectName).toBe('tl-lib');
    expect(afterBuild).toBe(snapshotDir(ws.reposDir, rebuilt!));
    expect(later).toBe(afterBuild);
  });

  it('ferry status lists what the store holds that ferry refuses today, and exits 1', async () => {
    const json = await runFerry(['status', '--json'], { cwd: ws.root });
    const text = await runFerry(['status'], { cwd: ws.root });

    const report = JSON.parse(json.stdout) as StatusReport;
    expect(json.code).toBe(1);
    expect(report.storeProblems.map((p) => [p.table, p.count])).toEqual([
      ['civotes', 1],
      ['civotes', 1],
    ]);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(
      /\n {2}civotes: votes by clients under a reserved job name \(current, consistent or a promotion name\); labels ignore them \(1 row\)\n/,
    );
  });
});
