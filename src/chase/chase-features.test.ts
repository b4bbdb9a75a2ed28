import { spawn } from 'node:child_process';
import { chmod, readdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createChaseWorkspace, type ChaseWorkspace } from '../../test/chase/chase-workspace.js';
import { buildRpms } from '../../test/helpers/rpm-factory.js';
import { FERRY_BIN, runFerry } from '../../test/helpers/run-ferry.js';
import { tempDir } from '../../test/helpers/temp-dir.js';
import { listLabels } from '../layout/index.js';
import { lockHolder } from './workspace-lock.js';

describe('BuildRequires, cycles, lookaside, notifications, branches and run modes', () => {
  let ws: ChaseWorkspace;
  let lookaside: string;
  let server: Server;
  const posts: { package: string }[] = [];

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  beforeAll(async () => {
    const dir = await tempDir('ferry-features-');
    lookaside = join(dir, 'lookaside');
    const notifier = join(dir, 'notify.sh');
    await writeFile(
      notifier,
      `#!/bin/sh\n{ cat; echo "$FERRY_PACKAGE $FERRY_STATUS"; } >> ${JSON.stringify(join(dir, 'notified.log'))}\n`,
    );
    await chmod(notifier, 0o755);
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        posts.push(JSON.parse(body) as { package: string });
        response.end('ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    ws = await createChaseWorkspace({
      dir: join(dir, 'ws'),
      packages: [
        // The release's tag pins a stable branch that does not exist yet: the chaser falls back to master.
        { name: 'needs-ext', buildRequires: ['ext-tool >= 2.0'], sourceBranch: 'stable/2099.1' },
        { name: 'cyc-a', buildRequires: ['cyc-b-devel'] },
        { name: 'cyc-b', buildRequires: ['cyc-a-devel'] },
      ],
      lookaside: [lookaside],
      notify: { command: notifier, webhook: `http://127.0.0.1:${port}/hook` },
    });
    // The lookaside holds an ext-tool too old for the requirement, at first.
    await buildRpms([{ name: 'ext-tool', version: '1.5', release: '1' }], lookaside);
  });

  it('names a missing BuildRequires, reports a cycle, and notifies each failing package once', async () => {
    const report = await ws.chase();

    expect(report.cycles).toEqual([['cyc-a', 'cyc-b', 'cyc-a']]);
    const byName = Object.fromEntries(report.builds.map((b) => [b.package, b]));
    expect(byName['needs-ext']).toMatchObject({ status: 'FAILED' });
    expect(byName['needs-ext']!.notes).toContain(
      'missing BuildRequires (not in the current snapshot nor the lookaside repositories): ext-tool >= 2.0',
    );
    // A real cycle cannot bootstrap from nothing: each misses the other's devel package, by name.
    expect([byName['cyc-a']!.status, byName['cyc-b']!.status]).toEqual(['FAILED', 'FAILED']);
    expect(byName['cyc-a']!.notes).toMatch(/missing BuildRequires.*: cyc-b-devel$/m);
    expect(byName['cyc-b']!.notes).toMatch(/missing BuildRequires.*: cyc-a-devel$/m);
    const log = await readFile(join(ws.root, '..', 'notified.log'), 'utf8');
    const notices = log
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { package: string; logUrl: string });
    expect(notices.map((n) => n.package).sort()).toEqual(['cyc-a', 'cyc-b', 'needs-ext']);
    expect(log).toContain('needs-ext FAILED');
    expect(posts.map((p) => p.package).sort()).toEqual(['cyc-a', 'cyc-b', 'needs-ext']);
    expect(notices[0]!.logUrl).toMatch(
      /^file:\/\/.*\/repos\/[0-9a-f]{2}\/[0-9a-f]{2}\/[0-9a-f]{40}_[0-9a-f]{8}$/,
    );
  });

  it('lookaside packages satisfy BuildRequires and bootstrap the cycle; no second notice the same day', async () => {
    await buildRpms(
      [
        { name: 'ext-tool', version: '2.1', release: '1' },
        { name: 'cyc-b-devel', version: '0.0.1', release: '0.bootstrap' },
      ],
      lookaside,
    );
    for (const name of ['needs-ext', 'cyc-a', 'cyc-b']) {
      expect((await runFerry(['recheck', name], { cwd: ws.root })).code).toBe(0);
    }

    const report = await ws.chase();

    // cyc-a takes cyc-b-devel from the lookaside, then cyc-b takes cyc-a-devel from the snapshot.
    expect(report.builds.map((b) => [b.package, b.status])).toEqual([
      ['needs-ext', 'SUCCESS'],
      ['cyc-a', 'SUCCESS'],
      ['cyc-b', 'SUCCESS'],
    ]);

    await ws.breakBuild('needs-ext');
    const failed = await ws.chase();
    expect(failed.builds.map((b) => [b.package, b.status])).toEqual([['needs-ext', 'FAILED']]);
    const log = await readFile(join(ws.root, '..', 'notified.log'), 'utf8');
    expect(log.match(/^needs-ext FAILED$/gm)).toHaveLength(1);
    expect(posts.filter((p) => p.package === 'needs-ext')).toHaveLength(1);
  });

  it('follows the fallback branch, then switches to the stable branch once it exists', async () => {
    const store = await ws.openStore();
    try {
      expect((await store.lastProcessedCommit('needs-ext'))?.commitBranch).toBe('master');
      await ws.fixBuild('needs-ext');
      await ws.upstreamBranch('needs-ext', 'stable/2099.1', 'Branch stable/2099.1');

      const report = await ws.chase({ packages: ['needs-ext'] });

      expect(report.builds.map((b) => [b.package, b.reason, b.subject, b.status])).toEqual([
        ['needs-ext', 'branch-switch', 'Branch stable/2099.1', 'SUCCESS'],
      ]);
      expect((await store.lastProcessedCommit('needs-ext'))?.commitBranch).toBe('stable/2099.1');
    } finally {
      await store.close();
    }
  });

  it('--package and --head-only narrow the run', async () => {
    await ws.upstreamCommit('cyc-a', { 'a.txt': '1\n' }, 'a1');
    await ws.upstreamCommit('cyc-a', { 'a.txt': '2\n' }, 'a2');
    await ws.upstreamCommit('cyc-b', { 'b.txt': '1\n' }, 'b1');

    const run = await runFerry(['chase', '--package', 'cyc-a', '--head-only', '--json'], { cwd: ws.root });

    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as { builds: { package: string; subject: string }[] };
    expect(report.builds.map((b) => [b.package, b.subject])).toEqual([['cyc-a', 'a2']]);
    const unknown = await runFerry(['chase', '--package', 'nope'], { cwd: ws.root });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('not a package of the release: nope');
  });

  it('--loop runs passes until SIGTERM, then stops cleanly and frees the lock', async () => {
    const child = spawn(process.execPath, [FERRY_BIN, 'chase', '--loop', '--interval', '1'], {
      cwd: ws.root,
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // Two passes: cyc-b's pending commit, then nothing new.
    while (!/nothing new to build/.test(out)) await new Promise((r) => setTimeout(r, 100));

    child.kill('SIGTERM');

    expect(await exited).toBe(0);
    expect(out).toMatch(/cyc-b [0-9a-f]{7} \(new commit\): SUCCESS/);
    expect(await lockHolder(join(ws.root, '.ferry', 'chase.lock'))).toBeNull();
  });

  it('a build that cannot be published is recorded FAILED with the reason, and labels stay', async () => {
    const solo = await createChaseWorkspace({ packages: [{ name: 'unpublishable' }] });
    const { chaseOnce, loadChaseCatalog } = await import('./index.js');
    const { createBuildDriver } = await import('../build/index.js');
    const store = await solo.openStore();
    try {
      const report = await chaseOnce({
        workspace: solo.workspace,
        store,
        catalog: await loadChaseCatalog(solo.workspace),
        driver: createBuildDriver('rpmbuild'),
        repodata: {
          write: () => Promise.reject(new Error('No space left on device')),
        },
      });

      expect(report.builds.map((b) => [b.package, b.status, b.notes])).toEqual([
        ['unpublishable', 'FAILED', 'publishing the build failed: No space left on device'],
      ]);
      expect(await listLabels(solo.reposDir)).toEqual([]);
      expect(await store.pendingBuilds()).toEqual([]);
      expect(await readdir(join(solo.root, report.builds[0]!.snapshot!))).toEqual([
        'commit.yaml',
        'notes.log',
      ]);
    } finally {
      await store.close();
    }
  });
});
