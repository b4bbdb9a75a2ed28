import { readdir, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import { createChaseWorkspace, type ChaseWorkspace } from '../../test/chase/chase-workspace.js';
import { dnfRepoquery } from '../../test/helpers/dnf.js';
import { runFerry } from '../../test/helpers/run-ferry.js';
import { loadRepo, parseRepoSpec } from '../closure/index.js';
import { parseCommitYaml, parseVersionsCsv, readLabel, renderCommitYaml } from '../layout/index.js';
import type { StatusReport } from '../report/index.js';
import type { Store } from '../store/index.js';
import type { BuildReport, ChaseReport } from './index.js';
import { toSnapshotCommit } from './publish-build.js';

/** name-version-release.arch of every package dnf sees in a snapshot. */
async function dnfPackages(dir: string): Promise<string[]> {
  const out = await dnfRepoquery(
    [{ id: 'snapshot', path: dir }],
    ['--qf', '%{name} %{version}-%{release} %{arch}\n'],
  );
  return out
    .split('\n')
    .filter((l) => l.trim() !== '')
    .sort();
}

function byPackage(report: ChaseReport): Record<string, BuildReport> {
  return Object.fromEntries(report.builds.map((b) => [b.package, b]));
}

/** Every package of the snapshot appears in exactly one version (binary and source). */
function versionsOf(lines: readonly string[]): Map<string, Set<string>> {
  const versions = new Map<string, Set<string>>();
  for (const line of lines) {
    const [name, evr] = line.split(' ');
    const base = name!.replace(/-(devel|doc)$/, '');
    versions.set(base, new Set([...(versions.get(base) ?? []), evr!]));
  }
  return versions;
}

describe('the trunk chaser, end to end with git, rpmbuild and dnf', () => {
  let ws: ChaseWorkspace;
  let store: Store;
  const passes: ChaseReport[] = [];

  beforeAll(async () => {
    // app BuildRequires lib-devel and is listed (and committed) first: the queue must still build lib first.
    ws = await createChaseWorkspace({
      packages: [
        { name: 'sample-app', buildRequires: ['sample-lib-devel'] },
        { name: 'sample-lib' },
        { name: 'sample-tool' },
      ],
      retry: { patterns: ['this commit breaks the build'], max: 1 },
    });
  });

  it('first pass: builds the head of every package, dependencies first, and moves the labels', async () => {
    const report = await ws.chase();
    passes.push(report);
    store = await ws.openStore();

    expect(report.builds.map((b) => [b.package, b.reason, b.status])).toEqual([
      ['sample-lib', 'first-build', 'SUCCESS'],
      ['sample-app', 'first-build', 'SUCCESS'],
      ['sample-tool', 'first-build', 'SUCCESS'],
    ]);
    // consistent only once every package has a good build.
    expect(report.builds.map((b) => b.labels)).toEqual([['current'], ['current'], ['current', 'consistent']]);
    const current = await readLabel(ws.reposDir, 'current');
    expect(current?.dir).toBe(join(ws.root, report.builds[2]!.snapshot!));
    expect(await readlink(join(ws.reposDir, 'consistent'))).toBe(current?.target);

    const packages = await dnfPackages(current!.dir);
    expect([...versionsOf(packages).keys()].sort()).toEqual(['sample-app', 'sample-lib', 'sample-tool']);
    expect(packages.filter((p) => p.endsWith(' noarch'))).toHaveLength(9);
    expect([...versionsOf(packages).values()].every((v) => v.size === 1)).toBe(true);
  });

  it('writes commit.yaml with DLRN fields matching the store, and versions.csv', async () => {
    const current = (await readLabel(ws.reposDir, 'current'))!;
    const [yaml] = parseCommitYaml(await readFile(join(current.dir, 'commit.yaml'), 'utf8'));
    const [row] = await store.findCommits({ project: 'sample-tool', limit: 1 });

    expect(yaml).toMatchObject({
      id: row!.id,
      projectName: 'sample-tool',
      status: 'SUCCESS',
      commitHash: row!.commitHash,
      distroHash: row!.distroHash,
      commitBranch: 'master',
      component: null,
      notes: 'OK',
      type: 'rpm',
      dtBuild: row!.dtBuild,
      dtExtended: 0,
    });
    expect(await readFile(join(current.dir, 'commit.yaml'), 'utf8')).toBe(
      renderCommitYaml(toSnapshotCommit(row!)),
    );
    const files = (await readdir(current.dir)).filter((f) => f.endsWith('.rpm'));
    expect(
      yaml!
        .artifacts!.split(',')
        .map((a) => a.split('/').pop())
        .sort(),
    ).toEqual(files.filter((f) => f.startsWith('sample-tool')).sort());
    const versions = parseVersionsCsv(await readFile(join(current.dir, 'versions.csv'), 'utf8'));
    expect(versions.map((v) => [v.project, v.status])).toEqual([
      ['sample-app', 'SUCCESS'],
      ['sample-lib', 'SUCCESS'],
      ['sample-tool', 'SUCCESS'],
    ]);
    expect(versions.find((v) => v.project === 'sample-app')?.nvr).toMatch(
      /^sample-app-0\.0\.1-0\.\d{14}\.[0-9a-f]{7}\.el9$/,
    );
  });

  it('a breaking commit is RETRY (matching a retry pattern), others still publish, consistent stays', async () => {
    await ws.breakBuild('sample-app');
    await ws.upstreamCommit(
      'sample-lib',
      { 'README.md': '# sample-lib\n\nNow documented.\n' },
      'Document lib',
    );
    await ws.packagingChange('sample-tool', 'Rebuild with a new changelog entry');

    const report = await ws.chase();
    passes.push(report);

    // The packaging-only rebuild keeps its upstream commit's time, the oldest: it goes first, while
    // nothing fails yet, so it is consistent; lib comes after app's failed attempt, so it is not.
    expect(report.builds.map((b) => [b.package, b.reason, b.status, b.labels])).toEqual([
      ['sample-tool', 'distgit-change', 'SUCCESS', ['current', 'consistent']],
      ['sample-app', 'new-commit', 'RETRY', []],
      ['sample-lib', 'new-commit', 'SUCCESS', ['current']],
    ]);
    const builds = byPackage(report);
    expect(builds['sample-app']!.notes).toContain('this commit breaks the build');
    expect(builds['sample-lib']!.failing).toEqual(['sample-app']);
    expect((await readLabel(ws.reposDir, 'consistent'))?.dir).toBe(
      join(ws.root, builds['sample-tool']!.snapshot!),
    );
    // The snapshot still carries the last good build of app: one version of each package.
    const current = (await readLabel(ws.reposDir, 'current'))!;
    const versions = versionsOf(await dnfPackages(current.dir));
    expect([...versions.values()].every((v) => v.size === 1)).toBe(true);
    expect([...versions.get('sample-app')!][0]).toBe(
      passes[0]!.builds[1]!.version + '-' + passes[0]!.builds[1]!.release + '.el9',
    );
  });

  it('the retried build fails for good after the maximum, with its log in the snapshot', async () => {
    const report = await ws.chase();
    passes.push(report);

    expect(report.builds.map((b) => [b.package, b.reason, b.status])).toEqual([
      ['sample-app', 'retry', 'FAILED'],
    ]);
    const dir = join(ws.root, report.builds[0]!.snapshot!);
    expect((await readdir(dir)).sort()).toEqual(['commit.yaml', 'notes.log', 'rpmbuild.log']);
    expect(await readFile(join(dir, 'rpmbuild.log'), 'utf8')).toContain('this commit breaks the build');
    const [yaml] = parseCommitYaml(await readFile(join(dir, 'commit.yaml'), 'utf8'));
    expect(yaml).toMatchObject({ status: 'FAILED', artifacts: null });
    expect(await store.countRetries('sample-app', yaml!.commitHash, yaml!.distroHash!)).toBe(1);

    const status = await runFerry(['status', '--json'], { cwd: ws.root });
    expect(status.code).toBe(0);
    const parsed = JSON.parse(status.stdout) as StatusReport;
    const app = parsed.packages.find((p) => p.name === 'sample-app')!;
    expect(app).toMatchObject({ state: 'FAILED', failingSince: yaml!.dtBuild, daysSinceSuccess: 0 });
    expect(app.firstFailure?.commitHash).toBe(yaml!.commitHash);
    expect(parsed.summary).toEqual({ total: 3, success: 2, failed: 1, retry: 0, noBuild: 0 });
  });

  it('ferry recheck builds a failed commit again; a successful one is refused', async () => {
    const refused = await runFerry(['recheck', 'sample-lib'], { cwd: ws.root });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/sample-lib .* succeeded: there is nothing to recheck/);

    const recheck = await runFerry(['recheck', 'sample-app'], { cwd: ws.root });
    expect(recheck.code).toBe(0);
    const report = await ws.chase();
    passes.push(report);

    expect(report.builds.map((b) => [b.package, b.status, b.commitHash])).toEqual([
      ['sample-app', 'FAILED', passes[2]!.builds[0]!.commitHash],
    ]);
    expect(await store.findCommits({ project: 'sample-app', status: 'FAILED' })).toHaveLength(1);
  });

  it('the fix publishes, consistent moves, and ferry chase --json reports it (exit 0)', async () => {
    await ws.fixBuild('sample-app');

    const run = await runFerry(['chase', '--json'], { cwd: ws.root });
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as ChaseReport;
    passes.push(report);

    expect(report.builds.map((b) => [b.package, b.status, b.labels])).toEqual([
      ['sample-app', 'SUCCESS', ['current', 'consistent']],
    ]);
    const current = (await readLabel(ws.reposDir, 'current'))!;
    expect((await readLabel(ws.reposDir, 'consistent'))?.dir).toBe(current.dir);
    const versions = versionsOf(await dnfPackages(current.dir));
    const newest = (b: BuildReport): string => `${b.version}-${b.release}.el9`;
    expect(Object.fromEntries([...versions].map(([k, v]) => [k, [...v]]))).toEqual({
      'sample-app': [newest(report.builds[0]!)],
      'sample-lib': [newest(byPackage(passes[1]!)['sample-lib']!)],
      'sample-tool': [newest(byPackage(passes[1]!)['sample-tool']!)],
    });
    // One `consistent` vote per snapshot that became consistent: pass 1's last, tool's rebuild, the fix.
    const votes = await store.findVotes({ ciName: 'consistent' });
    expect(votes.map((v) => v.commitId).reverse()).toEqual([
      passes[0]!.builds[2]!.commitId,
      byPackage(passes[1]!)['sample-tool']!.commitId,
      report.builds[0]!.commitId,
    ]);
  });

  it('ferry diff shows the upstream commits and the changelog entries between two snapshots', async () => {
    const first = passes[0]!.builds[2]!;
    const from = first.snapshot!.split('/').pop()!;

    const run = await runFerry(['diff', from, 'consistent', '--json'], { cwd: ws.root });

    expect(run.code).toBe(0);
    const diff = JSON.parse(run.stdout) as {
      packages: {
        name: string;
        upstreamCommits: { subject: string }[] | null;
        changelog: { heading: string }[] | null;
      }[];
    };
    expect(diff.packages.map((p) => [p.name, p.upstreamCommits?.map((c) => c.subject) ?? null])).toEqual([
      ['sample-app', ['Break the build', 'Fix the build']],
      ['sample-lib', ['Document lib']],
      ['sample-tool', []],
    ]);
    expect(diff.packages[2]!.changelog?.map((e) => e.heading)).toEqual([
      expect.stringMatching(/- 0\.0\.1-2$/),
    ]);
    const text = await runFerry(['diff', from, 'consistent'], { cwd: ws.root });
    expect(text.stdout).toContain('Break the build');
  });

  it('every snapshot carries the dependency index: the closure reads it, not the XML, and agrees', async () => {
    const current = (await readLabel(ws.reposDir, 'current'))!;
    const spec = parseRepoSpec(current.dir);
    const fromIndex = await loadRepo(spec);
    const fromXml = await loadRepo(spec, { useIndex: false });

    expect(fromIndex.source).toBe('index');
    expect(fromIndex.notes).toEqual([]);
    expect(fromXml.source).toBe('xml');
    expect(fromIndex.packages.count).toBe(fromXml.packages.count);
    const closure = await runFerry(['repo', 'closure', '--json', current.dir], { cwd: ws.root });
    expect(closure.code).toBe(0);
    expect(JSON.parse(closure.stdout)).toEqual({ unresolved: [] });
  });

  it('nothing new means nothing built, and the static report lists every build', async () => {
    const report = await ws.chase();

    expect(report.builds).toEqual([]);
    const html = await readFile(join(ws.reposDir, 'report.html'), 'utf8');
    // 3 + 2 (RETRY rows are not listed) + 1 FAILED (the rechecked one was dropped) + 1.
    expect(html.match(/<tr/g)?.length).toBe(1 + 7);
    expect(await readFile(join(ws.reposDir, 'status_report.html'), 'utf8')).toContain('sample-tool');
    await store.close();
  });
});
