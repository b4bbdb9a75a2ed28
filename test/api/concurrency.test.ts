import { mkdir, mkdtemp, readlink, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { buildApp } from '../../src/api/index.js';
import { shardedCommitDir } from '../../src/layout/index.js';
import { openTestStore, TEST_DIALECTS } from '../helpers/databases.js';
import { AUTH, BASEURL, seedFixture, TEST_SCRYPT } from './api-fixture.js';

const CLIENTS = 8;
const VOTES_PER_CLIENT = 500;

/** Over real HTTP on loopback, as CI jobs post: several clients at once, each with its own keep-alive connection. */
describe.each(TEST_DIALECTS)('concurrent writes over HTTP on %s', (dialect) => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  async function serve() {
    const dir = await mkdtemp(join(tmpdir(), 'ferry-concurrency-'));
    dirs.push(dir);
    const reposDir = join(dir, 'repos');
    await mkdir(reposDir);
    // A SQLite file (WAL), as ferry serve runs it, not an in-memory database.
    const store = await openTestStore(dialect, { dir });
    const commits = await seedFixture(store, reposDir);
    const app = await buildApp({ store, reposDir, baseurl: BASEURL, scryptParams: TEST_SCRYPT });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    return {
      store,
      commits,
      reposDir,
      url,
      close: async () => {
        await app.close();
        await store.close();
      },
    };
  }

  it(`${CLIENTS} clients posting ${VOTES_PER_CLIENT} votes each lose none`, async () => {
    const server = await serve();
    try {
      const before = (await server.store.storeCounts()).votes;
      const client = async (n: number): Promise<number[]> => {
        const statuses: number[] = [];
        for (let i = 0; i < VOTES_PER_CLIENT; i++) {
          const res = await fetch(`${server.url}/api/report_result`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: AUTH.writer },
            body: JSON.stringify({
              job_id: `client-${n}`,
              commit_hash: server.commits.foo.commitHash,
              distro_hash: server.commits.foo.distroHash,
              url: `https://ci.example.org/${n}/${i}`,
              timestamp: String(1_700_000_000 + i),
              success: i % 2 === 0 ? 'true' : 'false',
            }),
          });
          await res.arrayBuffer();
          statuses.push(res.status);
        }
        return statuses;
      };

      const statuses = (await Promise.all(Array.from({ length: CLIENTS }, (_, n) => client(n)))).flat();

      expect(statuses.filter((s) => s !== 201)).toEqual([]);
      expect((await server.store.storeCounts()).votes - before).toBe(CLIENTS * VOTES_PER_CLIENT);
      const votes = await server.store.votesForCommit(server.commits.foo.id);
      for (let n = 0; n < CLIENTS; n++) {
        const mine = votes.filter((v) => v.ciName === `client-${n}`);
        expect(new Set(mine.map((v) => v.ciUrl)).size, `client-${n}`).toBe(VOTES_PER_CLIENT);
      }
    } finally {
      await server.close();
    }
  }, 300_000);

  it('concurrent promotions to one name leave one consistent symlink and matching rows', async () => {
    const server = await serve();
    try {
      const candidates = [server.commits.foo, server.commits.fooOld, server.commits.bar];
      const promote = (i: number) =>
        fetch(`${server.url}/api/promote`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: AUTH.writer },
          body: JSON.stringify({
            commit_hash: candidates[i % 3]!.commitHash,
            distro_hash: candidates[i % 3]!.distroHash,
            promote_name: 'contended',
          }),
        }).then(async (res) => {
          await res.arrayBuffer();
          return res.status;
        });

      const statuses = await Promise.all(Array.from({ length: 60 }, (_, i) => promote(i)));

      expect(statuses.filter((s) => s !== 201)).toEqual([]);
      const rows = await server.store.findPromotions({ promotionName: 'contended', limit: 100 });
      expect(rows).toHaveLength(60);
      const newest = candidates.find((c) => c.id === rows[0]!.commitId)!;
      expect(await readlink(join(server.reposDir, 'contended'))).toBe(shardedCommitDir(newest));
    } finally {
      await server.close();
    }
  }, 120_000);
});
