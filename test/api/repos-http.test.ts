import { copyFile, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { buildApp } from '../../src/api/index.js';
import { hashPassword } from '../../src/auth/index.js';
import { shardedCommitDir, snapshotDir } from '../../src/layout/index.js';
import { indexRepository } from '../../src/repo/index.js';
import type { CommitRecord, Store } from '../../src/store/index.js';
import { openTestStore } from '../helpers/databases.js';
import { runDnf } from '../helpers/dnf.js';
import { buildRpms } from '../helpers/rpm-factory.js';
import { AUTH, hashOf, TEST_SCRYPT } from './api-fixture.js';

/** dnf over HTTP, with a fresh cache per run (Debian's dnf needs --releasever). */
async function dnfOverHttp(url: string): Promise<string> {
  const result = await runDnf(
    [{ id: 'ferry', url }],
    ['repoquery', '--qf', '%{name}-%{version}-%{release}\n'],
  );
  if (result.exitCode !== 0) throw new Error(`dnf repoquery over ${url} failed: ${result.stderr}`);
  return result.stdout.trim();
}

/** repos/ served by the API: what dnf and CI jobs consume, with labels followed and nothing outside. */
describe('repos/ over HTTP', () => {
  let dir: string;
  let reposDir: string;
  let store: Store;
  let app: FastifyInstance;
  let base: string;
  const builds: CommitRecord[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ferry-repos-http-'));
    reposDir = join(dir, 'repos');
    const rpms = await buildRpms(
      [
        { name: 'ferry-served', version: '1.0', release: '1.el9' },
        { name: 'ferry-served', version: '2.0', release: '1.el9' },
      ],
      join(dir, 'rpms'),
      { jobs: 2 },
    );
    store = await openTestStore('sqlite');
    await store.addUser({
      name: 'writer',
      passwordHash: await hashPassword('writer-password', TEST_SCRYPT),
      role: 'write',
    });
    for (const [i, rpm] of rpms.entries()) {
      const commit = await store.recordCommit({
        projectName: 'ferry-served',
        commitHash: hashOf(`served-${i}`),
        distroHash: hashOf(`served-distro-${i}`),
        status: 'SUCCESS',
      });
      const snapshot = snapshotDir(reposDir, commit);
      await mkdir(snapshot, { recursive: true });
      await copyFile(rpm.path, join(snapshot, rpm.fileName));
      const indexed = await indexRepository(snapshot);
      expect(indexed.written).toBe(true);
      builds.push(commit);
    }
    // Traps: a link out of repos/, and an aside file of an atomic write.
    await symlink('/etc', join(reposDir, 'escape'));
    await writeFile(join(reposDir, '.current.1234.abcd.tmp'), 'partial');
    app = await buildApp({ store, reposDir, baseurl: 'http://127.0.0.1/repos', scryptParams: TEST_SCRYPT });
    await app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  }, 180_000);

  afterAll(async () => {
    await app?.close();
    await store?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const promote = (commit: CommitRecord) =>
    fetch(`${base}/api/promote`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: AUTH.writer },
      body: JSON.stringify({
        commit_hash: commit.commitHash,
        distro_hash: commit.distroHash,
        promote_name: 'tested',
      }),
    });

  it('dnf reads a promoted snapshot through its label, and sees a new promotion at once', async () => {
    expect((await promote(builds[0]!)).status).toBe(201);
    expect(await dnfOverHttp(`${base}/repos/tested/`)).toBe('ferry-served-1.0-1.el9');

    expect((await promote(builds[1]!)).status).toBe(201);
    expect(await dnfOverHttp(`${base}/repos/tested/`)).toBe('ferry-served-2.0-1.el9');
  }, 180_000);

  it('serves files and listings of the tree', async () => {
    const dirUrl = `${base}/repos/${shardedCommitDir(builds[0]!)}/`;
    const listing = await fetch(dirUrl);
    const repomd = await fetch(`${dirUrl}repodata/repomd.xml`);
    const head = await fetch(`${dirUrl}repodata/repomd.xml`, { method: 'HEAD' });

    expect(listing.status).toBe(200);
    expect(await listing.text()).toContain('ferry-served-1.0-1.el9.noarch.rpm');
    expect(repomd.status).toBe(200);
    expect(await repomd.text()).toContain('<repomd');
    expect(head.status).toBe(200);
  });

  it('never serves what is outside repos/, nor dot files', async () => {
    const escaped = await fetch(`${base}/repos/escape/hostname`);
    const traversal = await fetch(`${base}/repos/%2e%2e/%2e%2e/etc/hostname`);
    const aside = await fetch(`${base}/repos/.current.1234.abcd.tmp`);

    expect(escaped.status).toBe(403);
    expect(await escaped.json()).toEqual({ message: 'Path outside repos/' });
    expect([403, 404]).toContain(traversal.status);
    expect([403, 404]).toContain(aside.status);
    expect(await aside.text()).not.toContain('partial');
  });
});
