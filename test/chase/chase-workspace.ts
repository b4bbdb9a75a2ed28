/**
 * A ferry workspace for chaser tests: a catalog in rdoinfo format whose
 * packages are the build module's sample packages (real upstream and distgit
 * repositories, specs with BuildRequires, %{?dist}, a patch, subpackages and
 * a changelog), ferry.yaml pointing at it, and helpers to move history on.
 * Every repository shares one clock, so commit times order the builds.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { sampleBuildScript, samplePatch, sampleSpec, sampleUpstreamFiles } from '../../src/build/index.js';
import { runChaser, type ChaseReport, type RunChaserOptions } from '../../src/chase/index.js';
import { openWorkspace, type Workspace } from '../../src/config/index.js';
import { openStore, type Store } from '../../src/store/index.js';
import { commitFiles, createBranch, initRepository } from '../../src/vcs/index.js';
import { tempDir } from '../helpers/temp-dir.js';

export interface TestPackage {
  readonly name: string;
  readonly buildRequires?: readonly string[];
  readonly component?: string;
  /** The release tag's `source-branch` override (rdoinfo tags/<release>.yml style). */
  readonly sourceBranch?: string;
}

export interface ChaseWorkspaceOptions {
  readonly packages: readonly TestPackage[];
  /** Store URL; default SQLite in the workspace. */
  readonly database?: string;
  readonly retry?: { readonly patterns: readonly string[]; readonly max: number };
  readonly workers?: number;
  readonly lookaside?: readonly string[];
  readonly notify?: { readonly command?: string; readonly webhook?: string };
  /** An existing directory to use (crash tests share one between processes). */
  readonly dir?: string;
}

export interface ChaseWorkspace {
  readonly root: string;
  readonly workspace: Workspace;
  readonly reposDir: string;
  /** Commits upstream (the clock moves one minute per commit); returns the hash. */
  upstreamCommit(
    name: string,
    files: Readonly<Record<string, string | null>>,
    message: string,
  ): Promise<string>;
  /** An upstream commit whose build.sh fails, or works again. */
  breakBuild(name: string): Promise<string>;
  fixBuild(name: string): Promise<string>;
  /** Creates an upstream branch at the current head and commits on it. */
  upstreamBranch(name: string, branch: string, message: string): Promise<string>;
  /** A distgit commit adding a changelog entry (a packaging-only change). */
  packagingChange(name: string, text: string): Promise<string>;
  chase(options?: RunChaserOptions): Promise<ChaseReport>;
  openStore(): Promise<Store>;
}

function yamlString(value: string): string {
  return JSON.stringify(value);
}

/** rdoinfo-format catalog of the test packages: release `trunk`, distgit branch `rpm-master`. */
export function renderTestCatalog(root: string, packages: readonly TestPackage[]): string {
  const git = pathToFileURL(join(root, 'git')).href;
  const lines = [
    'releases:',
    '- name: trunk',
    '  status: development',
    '  branch: rpm-master',
    '  upstream_branch: master',
    '  repos:',
    '  - name: el9',
    'package-default:',
    "  name: '%(project)s'",
    `  upstream: ${yamlString(`${git}/%(project)s/upstream`)}`,
    `  master-distgit: ${yamlString(`${git}/%(project)s/distgit`)}`,
    `  distgit: ${yamlString(`${git}/%(project)s/distgit`)}`,
    '  maintainers:',
    '  - test@ferry.invalid',
    'packages:',
  ];
  for (const pkg of packages) {
    lines.push(`- project: ${pkg.name}`);
    if (pkg.component) lines.push(`  component: ${pkg.component}`);
    lines.push('  tags:', '    trunk:');
    if (pkg.sourceBranch) lines.push(`      source-branch: ${yamlString(pkg.sourceBranch)}`);
  }
  return `${lines.join('\n')}\n`;
}

export async function createChaseWorkspace(options: ChaseWorkspaceOptions): Promise<ChaseWorkspace> {
  const root = options.dir ?? (await tempDir('ferry-chase-'));
  let clock = 1_700_000_000;
  const tick = (): number => (clock += 60);
  const changelog = new Map<string, (readonly [number, string, string, string])[]>();
  const specOf = (pkg: TestPackage): string =>
    sampleSpec({
      name: pkg.name,
      style: 'plain',
      patches: ['0001-Add-distro-note.patch'],
      ...(pkg.buildRequires ? { buildRequires: pkg.buildRequires } : {}),
      changelog: changelog.get(pkg.name)!,
    });
  const dirs = (name: string): { upstream: string; distgit: string } => ({
    upstream: join(root, 'git', name, 'upstream'),
    distgit: join(root, 'git', name, 'distgit'),
  });

  for (const pkg of options.packages) {
    const { upstream, distgit } = dirs(pkg.name);
    changelog.set(pkg.name, [
      [1_699_000_000, 'Ferry Test <test@ferry.invalid>', '0.0.1-1', 'Initial package'],
    ]);
    await initRepository(upstream, { branch: 'master' });
    await initRepository(distgit, { branch: 'rpm-master' });
    await commitFiles(distgit, {
      files: { [`${pkg.name}.spec`]: specOf(pkg), '0001-Add-distro-note.patch': samplePatch() },
      message: `Initial packaging of ${pkg.name}`,
      date: tick(),
    });
    await commitFiles(upstream, {
      files: sampleUpstreamFiles(pkg.name, 'plain'),
      message: `Initial import of ${pkg.name}`,
      date: tick(),
      executable: ['build.sh'],
    });
  }
  await mkdir(join(root, 'catalog'), { recursive: true });
  await writeFile(join(root, 'catalog', 'catalog.yml'), renderTestCatalog(root, options.packages));
  const retry = options.retry ?? { patterns: [], max: 3 };
  await writeFile(
    join(root, 'ferry.yaml'),
    [
      'catalog:',
      '  path: catalog/catalog.yml',
      '  release: trunk',
      'distro:',
      '  dist: .el9',
      `baseurl: ${yamlString(pathToFileURL(join(root, 'repos')).href)}`,
      `database: ${yamlString(options.database ?? 'sqlite:ferry.db')}`,
      'build:',
      `  workers: ${options.workers ?? 2}`,
      `  lookaside: ${JSON.stringify(options.lookaside ?? [])}`,
      'retry:',
      `  patterns: ${JSON.stringify(retry.patterns)}`,
      `  max: ${retry.max}`,
      ...(options.notify
        ? [
            'notify:',
            ...(options.notify.command ? [`  command: ${yamlString(options.notify.command)}`] : []),
            ...(options.notify.webhook ? [`  webhook: ${yamlString(options.notify.webhook)}`] : []),
          ]
        : []),
      '',
    ].join('\n'),
  );
  const workspace = await openWorkspace(root);
  const byName = new Map(options.packages.map((p) => [p.name, p]));
  return {
    root,
    workspace,
    reposDir: workspace.reposDir,
    upstreamCommit: (name, files, message) =>
      commitFiles(dirs(name).upstream, { files, message, date: tick() }),
    upstreamBranch: async (name, branch, message) => {
      await createBranch(dirs(name).upstream, branch, { checkout: true });
      return commitFiles(dirs(name).upstream, { files: { BRANCH: `${branch}\n` }, message, date: tick() });
    },
    breakBuild: (name) =>
      commitFiles(dirs(name).upstream, {
        files: { 'build.sh': sampleBuildScript(name, true) },
        message: 'Break the build',
        date: tick(),
        executable: ['build.sh'],
      }),
    fixBuild: (name) =>
      commitFiles(dirs(name).upstream, {
        files: { 'build.sh': sampleBuildScript(name, false) },
        message: 'Fix the build',
        date: tick(),
        executable: ['build.sh'],
      }),
    packagingChange: (name, text) => {
      const entries = changelog.get(name)!;
      const evr = `0.0.1-${entries.length + 1}`;
      changelog.set(name, [
        [1_699_000_000 + entries.length * 86_400, 'Ferry Test <test@ferry.invalid>', evr, text],
        ...entries,
      ]);
      return commitFiles(dirs(name).distgit, {
        files: { [`${name}.spec`]: specOf(byName.get(name)!) },
        message: text,
        date: tick(),
      });
    },
    chase: async (chaseOptions = {}) => {
      const [report] = await runChaser(workspace, { workers: options.workers ?? 2, ...chaseOptions });
      return report!;
    },
    openStore: () => openStore(workspace.databaseUrl),
  };
}
