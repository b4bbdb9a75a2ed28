import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { createBuildDriver } from '../build/index.js';
import { FerryError } from '../errors.js';
import { indexRepository } from '../repo/index.js';
import { commitFiles, createTag, initRepository } from '../vcs/index.js';
import {
  DEMO_PACKAGES,
  DEMO_RELEASE,
  DEMO_STAGES,
  type DemoCommit,
  type DemoPackage,
  type DemoStage,
} from './demo-packages.js';

/** Where the demo keeps its "remote" repositories inside the workspace. */
export function demoGitDirs(root: string, pkg: DemoPackage): { upstream: string; distgit: string } {
  return {
    upstream: join(root, 'git', 'upstream', pkg.project),
    distgit: join(root, 'git', 'distgit', `${pkg.project}-distgit`),
  };
}

/** The catalog, in rdoinfo's format: a release, a package template with `%(project)s`, packages with tags. */
export function renderDemoCatalog(root: string): string {
  const url = (path: string): string => pathToFileURL(join(root, path)).href;
  const lines = [
    '# Sample catalog written by `ferry demo`, in rdoinfo format (see github.com/redhat-openstack/rdoinfo).',
    'releases:',
    `- name: ${DEMO_RELEASE}`,
    '  status: development',
    '  branch: rpm-master',
    '  upstream_branch: master',
    '  repos:',
    '  - name: el9',
    '    buildsys: demo-el9',
    'package-default:',
    '  name: ferry-demo-%(project)s',
    `  upstream: ${url('git/upstream')}/%(project)s`,
    `  distgit: ${url('git/distgit')}/%(project)s-distgit`,
    `  master-distgit: ${url('git/distgit')}/%(project)s-distgit`,
    '  maintainers:',
    '  - demo@ferry.invalid',
    'components:',
    ...[...new Set(DEMO_PACKAGES.map((p) => p.component))].map((c) => `- name: ${c}`),
    'packages:',
  ];
  for (const pkg of DEMO_PACKAGES) {
    lines.push(
      `- project: ${pkg.project}`,
      `  component: ${pkg.component}`,
      '  tags:',
      `    ${DEMO_RELEASE}:`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** ferry.yaml of the demo workspace: the catalog above, SQLite, snapshots served from the directory itself. */
export function renderDemoConfig(root: string): string {
  return [
    '# Written by `ferry demo`. See docs/chase.md for every setting.',
    'catalog:',
    '  path: catalog/demo.yml',
    `  release: ${DEMO_RELEASE}`,
    'distro:',
    '  dist: .el9',
    '# file:// so dnf reads the snapshots straight from disk; `ferry serve` uses http://.',
    `baseurl: ${pathToFileURL(join(root, 'repos')).href}`,
    'database: sqlite:ferry.db',
    'build:',
    '  driver: rpmbuild',
    '  workers: 2',
    '  # What the distribution builds on (its OS): may satisfy BuildRequires and Requires.',
    '  lookaside: [lookaside]',
    '',
  ].join('\n');
}

async function applyCommits(dir: string, commits: readonly DemoCommit[], clock: () => number): Promise<void> {
  for (const commit of commits) {
    const date = clock();
    await commitFiles(dir, { files: commit.files, message: commit.message, date });
    if (commit.tag)
      await createTag(dir, commit.tag, { annotated: true, message: `Release ${commit.tag}`, date });
  }
}

/** The spec of the demo's stand-in for the operating system the distribution builds on. */
export const DEMO_OS_SPEC = `Name:           demo-os
Version:        9.0
Release:        1
Summary:        Stand-in for the operating system of the ferry demo
License:        Apache-2.0
BuildArch:      noarch
# The demo's scripts start with #!/bin/sh: rpm makes their packages require it.
Provides:       /bin/sh

%description
What the operating system provides to the sample distribution.

%files

%changelog
* Mon Jan 06 2025 Ferry Demo <demo@ferry.invalid> - 9.0-1
- Initial package
`;

/**
 * A lookaside repository for the demo (ferry.yaml build.lookaside): one RPM
 * standing in for the operating system, built by the build driver and
 * indexed by the repo library.
 */
export async function createDemoLookaside(root: string): Promise<void> {
  const work = join(root, '.ferry', 'lookaside-build');
  await mkdir(join(work, 'sources'), { recursive: true });
  await writeFile(join(work, 'demo-os.spec'), DEMO_OS_SPEC);
  const driver = createBuildDriver('rpmbuild', { workRoot: work });
  const result = await driver.build({
    packageName: 'demo-os',
    specPath: join(work, 'demo-os.spec'),
    sourcesDir: join(work, 'sources'),
    version: '9.0',
    release: '1',
    macros: {},
    outputDir: join(root, 'lookaside'),
    logFile: join(work, 'build.log'),
    timeoutMs: 120_000,
  });
  if (result.status !== 'SUCCESS') {
    throw new FerryError(
      'FERRY_BUILD_FAILED',
      `building the demo's lookaside package failed: ${result.logTail}`,
    );
  }
  await indexRepository(join(root, 'lookaside'));
  await rm(work, { recursive: true, force: true });
}

/**
 * Writes a new demo workspace at `root`: ferry.yaml, the catalog, and the
 * upstream and distgit repositories of every package with their initial
 * history. `clock` gives each commit's date (seconds), increasing.
 */
export async function createDemoWorkspace(root: string, clock: () => number): Promise<void> {
  await mkdir(join(root, 'catalog'), { recursive: true });
  await writeFile(join(root, 'catalog', 'demo.yml'), renderDemoCatalog(root));
  await writeFile(join(root, 'ferry.yaml'), renderDemoConfig(root));
  for (const pkg of DEMO_PACKAGES) {
    const dirs = demoGitDirs(root, pkg);
    await initRepository(dirs.upstream, { branch: 'master' });
    await initRepository(dirs.distgit, { branch: 'rpm-master' });
  }
  await applyDemoStage(root, 'initial', clock);
  await createDemoLookaside(root);
}

/** Adds a stage's upstream and distgit commits to the demo repositories (packages in catalog order). */
export async function applyDemoStage(root: string, stage: DemoStage, clock: () => number): Promise<void> {
  const index = DEMO_STAGES.indexOf(stage);
  for (const pkg of DEMO_PACKAGES) {
    const dirs = demoGitDirs(root, pkg);
    await applyCommits(dirs.distgit, pkg.distgit[index] ?? [], clock);
    await applyCommits(dirs.upstream, pkg.upstream[index] ?? [], clock);
  }
}
