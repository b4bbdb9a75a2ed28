import { createHash } from 'node:crypto';
import { lstat, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { createChaseWorkspace } from '../../test/chase/chase-workspace.js';
import { postgresStoreDatabaseUrl, TEST_DIALECTS } from '../../test/helpers/databases.js';
import { runDnf } from '../../test/helpers/dnf.js';
import { runFerry } from '../../test/helpers/run-ferry.js';
import { listLabels, parseVersionsCsv, readAggregateHash, snapshotDir } from '../layout/index.js';
import type { PurgeReport } from './index.js';

/** Packages dnf sees through a .repo file (every section of it). */
async function dnfThroughRepoFile(reposdir: string): Promise<string[]> {
  const result = await runDnf([], ['repoquery', '--qf', '%{name}-%{version}-%{release}.%{arch}\n'], {
    setopt: [`reposdir=${reposdir}`],
  });
  expect(result.exitCode, result.stderr).toBe(0);
  return result.stdout
    .split('\n')
    .filter((l) => l !== '')
    .sort();
}

describe.each(TEST_DIALECTS)('components, purge and the chaser queries on %s', (dialect) => {
  it('keeps per-component snapshots and labels, aggregates them, and purges only what nothing references', async () => {
    const ws = await createChaseWorkspace({
      packages: [
        { name: 'comp-lib', component: 'base' },
        { name: 'comp-app', component: 'tools', buildRequires: ['comp-lib-devel'] },
        { name: 'comp-tool', component: 'tools' },
      ],
      ...(dialect === 'postgres' ? { database: await postgresStoreDatabaseUrl() } : {}),
    });

    const first = await ws.chase();

    expect(first.builds.map((b) => [b.package, b.status, b.labels])).toEqual([
      ['comp-lib', 'SUCCESS', ['component/base/current', 'component/base/consistent']],
      ['comp-app', 'SUCCESS', ['component/tools/current']],
      ['comp-tool', 'SUCCESS', ['component/tools/current', 'component/tools/consistent']],
    ]);
    expect(first.builds[0]!.snapshot).toMatch(
      /^repos\/component\/base\/[0-9a-f]{2}\/[0-9a-f]{2}\/[0-9a-f]{40}_[0-9a-f]{8}$/,
    );
    const repo = await readFile(join(ws.reposDir, 'current', 'delorean.repo'), 'utf8');
    expect(repo.match(/^\[[^\]]+\]$/gm)).toEqual(['[delorean-component-base]', '[delorean-component-tools]']);
    expect(await readAggregateHash(ws.reposDir, 'current')).toBe(
      createHash('md5').update(repo).digest('hex'),
    );
    const aggregateCsv = parseVersionsCsv(
      await readFile(join(ws.reposDir, 'current', 'versions.csv'), 'utf8'),
    );
    expect(aggregateCsv.map((r) => [r.project, r.component])).toEqual([
      ['comp-lib', 'base'],
      ['comp-app', 'tools'],
      ['comp-tool', 'tools'],
    ]);
    // A component snapshot holds its own component's packages only.
    const toolsCsv = parseVersionsCsv(
      await readFile(join(ws.root, first.builds[2]!.snapshot!, 'versions.csv'), 'utf8'),
    );
    expect(toolsCsv.map((r) => r.project)).toEqual(['comp-app', 'comp-tool']);
    const everything = await dnfThroughRepoFile(join(ws.reposDir, 'current'));
    expect(everything.filter((p) => p.endsWith('.noarch')).map((p) => p.replace(/-0\.0\.1-.*/, ''))).toEqual([
      'comp-app',
      'comp-app-devel',
      'comp-app-doc',
      'comp-lib',
      'comp-lib-devel',
      'comp-lib-doc',
      'comp-tool',
      'comp-tool-devel',
      'comp-tool-doc',
    ]);

    await ws.breakBuild('comp-tool');
    await ws.upstreamCommit('comp-lib', { 'README.md': '# comp-lib\n\nv2\n' }, 'Second lib commit');
    const second = await ws.chase();

    expect(second.builds.map((b) => [b.package, b.status, b.labels])).toEqual([
      ['comp-tool', 'FAILED', []],
      // A failure in tools does not hold base back.
      ['comp-lib', 'SUCCESS', ['component/base/current', 'component/base/consistent']],
    ]);
    const status = JSON.parse((await runFerry(['status', '--json'], { cwd: ws.root })).stdout) as {
      packages: { name: string; state: string; component: string }[];
    };
    expect(status.packages.map((p) => [p.name, p.component, p.state])).toEqual([
      ['comp-app', 'tools', 'SUCCESS'],
      ['comp-lib', 'base', 'SUCCESS'],
      ['comp-tool', 'tools', 'FAILED'],
    ]);

    // Build times are whole seconds and "older than 0 days" means before this second: let it pass,
    // or a build of the same second (a fast machine) is rightly kept and the count below is off.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const purge = await runFerry(['purge', '--older-than', '0', '--json'], { cwd: ws.root });
    expect(purge.code, purge.stderr).toBe(0);
    const report = JSON.parse(purge.stdout) as PurgeReport;
    // lib's first build: nothing shows it, nothing links it (lib is alone in base). app's snapshot
    // is shown by no label, but tools/current links its RPMs: they stay. The failed tool build goes.
    expect(report.purged.map((p) => [p.project, p.status, p.mode]).sort()).toEqual([
      ['comp-app', 'SUCCESS', 'rpms-kept'],
      ['comp-lib', 'SUCCESS', 'removed'],
      ['comp-tool', 'FAILED', 'removed'],
    ]);
    expect(report.protected).toBe(2);
    expect(await lstat(join(ws.root, first.builds[0]!.snapshot!)).catch(() => null)).toBeNull();
    // Every label still shows a whole repository.
    for (const label of [
      ...(await listLabels(ws.reposDir, 'base')),
      ...(await listLabels(ws.reposDir, 'tools')),
    ]) {
      const found = await runDnf([{ id: 'l', path: label.dir }], ['repoquery', '--qf', '%{name}\n']);
      expect(found.exitCode, `${label.component}/${label.label}: ${found.stderr}`).toBe(0);
    }
    expect(await dnfThroughRepoFile(join(ws.reposDir, 'current'))).toHaveLength(12);
    const store = await ws.openStore();
    try {
      const purged = await store.findCommits({ type: null });
      expect(
        purged
          .filter((c) => c.purged)
          .map((c) => c.projectName)
          .sort(),
      ).toEqual(['comp-app', 'comp-lib', 'comp-tool']);
      const app = purged.find((c) => c.projectName === 'comp-app')!;
      const left = await readdir(snapshotDir(ws.reposDir, app));
      expect(left.sort()).toEqual(
        app
          .artifacts!.split(',')
          .map((a) => a.split('/').pop())
          .sort(),
      );
    } finally {
      await store.close();
    }
  });
});
