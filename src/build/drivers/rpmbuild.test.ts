import { readFile, readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import { mirrorOf, samplePackage } from '../../../test/helpers/git-factory.js';
import { tempDir } from '../../../test/helpers/temp-dir.js';
import { exec } from '../../util/exec.js';
import { commitFiles, createTag, readFileAt, resolveCommit } from '../../vcs/index.js';
import type { BuildResult } from '../build-driver.js';
import { prepareBuild, type PreparedBuild } from '../build-preparation.js';
import { createBuildDriver } from '../driver-registry.js';
import { sampleBuildScript, sampleSpec } from '../sample-package.js';
import { createRpmbuildDriver } from './rpmbuild.js';

const BUILD_START = new Date('2024-03-05T07:08:09Z');
const MACROS = { dist: '.el9', _binary_payload: 'w9.gzdio' };

interface Built {
  readonly prepared: PreparedBuild;
  readonly result: BuildResult;
  readonly commit: string;
  readonly distroHash: string;
  readonly distgitMirror: string;
}

/** `rpm -qp` name, version, release and arch of each package file. */
async function nevras(files: readonly string[]): Promise<string[]> {
  const { stdout } = await exec('rpm', [
    '-qp',
    '--nosignature',
    '--qf',
    '%{name} %{version} %{release} %{arch}\n',
    ...files,
  ]);
  return stdout.trim().split('\n').sort();
}

/** Prepares and builds one sample package whose upstream and distgit histories `arrange` extends. */
async function buildSample(
  name: string,
  style: 'plain' | 'pbr',
  arrange: (upstream: string, distgit: string) => Promise<void>,
  options: {
    readonly timeoutMs?: number;
    readonly signal?: AbortSignal;
    readonly buildRequires?: string[];
  } = {},
): Promise<Built> {
  const repos = await samplePackage({
    name,
    style,
    ...(options.buildRequires ? { buildRequires: options.buildRequires } : {}),
  });
  await arrange(repos.upstream, repos.distgit);
  const [upstreamMirror, distgitMirror] = await Promise.all([
    mirrorOf(repos.upstream),
    mirrorOf(repos.distgit),
  ]);
  const commit = await resolveCommit(upstreamMirror, 'HEAD');
  const distroHash = await resolveCommit(distgitMirror, 'HEAD');
  const work = await tempDir('ferry-build-');
  const prepared = await prepareBuild({
    packageName: name,
    upstreamDir: upstreamMirror,
    commit,
    distgitDir: distgitMirror,
    distroHash,
    buildStart: BUILD_START,
    workDir: join(work, 'work'),
  });
  const result = await createRpmbuildDriver({ workRoot: join(work, 'tmp') }).build({
    packageName: name,
    specPath: prepared.specPath,
    sourcesDir: prepared.sourcesDir,
    version: prepared.version,
    release: prepared.release,
    macros: MACROS,
    outputDir: join(work, 'repo'),
    logFile: join(work, 'repo', 'rpmbuild.log'),
    timeoutMs: options.timeoutMs ?? 300_000,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  return { prepared, result, commit, distroHash, distgitMirror };
}

async function addCommits(dir: string, count: number, start: number): Promise<void> {
  for (let i = 0; i < count; i += 1) {
    await commitFiles(dir, {
      files: { [`change-${i}.txt`]: `${i}\n` },
      message: `Change ${i}`,
      date: start + i * 60,
    });
  }
}

describe.concurrent('rpmbuild driver building prepared trunk builds', () => {
  let plain: Built;
  let pbr: Built;

  beforeAll(async () => {
    [plain, pbr] = await Promise.all([
      buildSample('sample-lib', 'plain', async (upstream) => {
        await createTag(upstream, 'v1.2.0', { annotated: true, message: 'Release 1.2.0' });
        await addCommits(upstream, 2, 1_700_000_100);
      }),
      buildSample(
        'python-sample',
        'pbr',
        async (upstream) => {
          await createTag(upstream, '2.0.0.0rc1', { annotated: true });
          await addCommits(upstream, 3, 1_700_000_100);
        },
        { buildRequires: ['sample-lib-devel >= 1.2', '(python3-devel or python3)'] },
      ),
    ]);
  });

  it('builds the SRPM and the binary packages with the DLRN version and release', async () => {
    const release = `0.20240305070809.${plain.commit.slice(0, 7)}.el9`;

    expect(plain.result).toMatchObject({ status: 'SUCCESS', driver: 'rpmbuild' });
    expect(plain.prepared).toMatchObject({
      version: '1.2.1',
      release: `0.20240305070809.${plain.commit.slice(0, 7)}`,
    });
    expect(await nevras(plain.result.rpms)).toEqual([
      `sample-lib 1.2.1 ${release} noarch`,
      `sample-lib-devel 1.2.1 ${release} noarch`,
      `sample-lib-doc 1.2.1 ${release} noarch`,
    ]);
    expect(basename(plain.result.srpm ?? '')).toBe(`sample-lib-1.2.1-${release}.src.rpm`);
  });

  it('packs the git archive of the exact commit and the distgit patch, and applies the patch', async () => {
    const srpmFiles = await exec('rpm', ['-qlp', '--nosignature', plain.result.srpm ?? '']);
    const main = plain.result.rpms.find((f) => basename(f).startsWith('sample-lib-1.2.1'));
    const mainFiles = await exec('rpm', ['-qlp', '--nosignature', main ?? '']);
    const tarball = await exec('tar', ['-tzf', plain.prepared.tarball]);

    expect(srpmFiles.stdout.trim().split('\n').sort()).toEqual(
      ['0001-Add-distro-note.patch', basename(plain.prepared.tarball), 'sample-lib.spec'].sort(),
    );
    expect(basename(plain.prepared.tarball)).toBe(
      `sample-lib-1.2.1-0.20240305070809.${plain.commit.slice(0, 7)}.tar.gz`,
    );
    expect(tarball.stdout).toContain('sample-lib-1.2.1/change-1.txt');
    expect(mainFiles.stdout.trim().split('\n')).toEqual([
      '/usr/share/sample-lib',
      '/usr/share/sample-lib/DISTRO-NOTE',
      '/usr/share/sample-lib/output.txt',
    ]);
  });

  it('leaves the distgit untouched and streams the build log', async () => {
    const spec = await readFileAt(plain.distgitMirror, plain.distroHash, 'sample-lib.spec');
    const log = await readFile(plain.result.logFile, 'utf8');

    expect(spec).toBe(
      sampleSpec({ name: 'sample-lib', style: 'plain', patches: ['0001-Add-distro-note.patch'] }),
    );
    expect(log).toMatch(/^\$ rpmbuild -bs /m);
    expect(log).toMatch(/^\$ rpmbuild --rebuild /m);
    expect(log).toContain('ferry: SUCCESS');
    expect(plain.result.logTail).toBe(log.trimEnd().split('\n').slice(-100).join('\n'));
  });

  it('builds a pbr project at its pbr version, with BuildRequires left to ferry (--nodeps)', async () => {
    const release = `0.20240305070809.${pbr.commit.slice(0, 7)}.el9`;
    const requires = await exec('rpm', ['-qp', '--nosignature', '--requires', pbr.result.srpm ?? '']);

    expect(pbr.prepared.upstream).toMatchObject({
      source: 'pbr',
      upstreamVersion: '2.0.0.0rc2.dev3',
      version: '2.0.0',
    });
    expect(pbr.result.status).toBe('SUCCESS');
    expect(await nevras(pbr.result.rpms)).toEqual([
      `python-sample 2.0.0 ${release} noarch`,
      `python-sample-devel 2.0.0 ${release} noarch`,
      `python-sample-doc 2.0.0 ${release} noarch`,
    ]);
    expect(requires.stdout).toContain('sample-lib-devel >= 1.2');
    expect(requires.stdout).toContain('(python3-devel or python3)');
    const tarball = await exec('tar', ['-xzOf', pbr.prepared.tarball, 'sample-2.0.0.0rc2.dev3/PKG-INFO']);
    expect(tarball.stdout).toBe('Metadata-Version: 1.1\nName: sample\nVersion: 2.0.0.0rc2.dev3\n');
  });
});

describe.concurrent('rpmbuild driver failures', () => {
  it('returns FAILED with the log when an upstream commit breaks the build', async () => {
    const built = await buildSample('sample-broken', 'plain', async (upstream) => {
      await commitFiles(upstream, {
        files: { 'build.sh': sampleBuildScript('sample-broken', true) },
        message: 'Break the build',
        date: 1_700_000_100,
      });
    });
    const output = await readdir(join(built.result.logFile, '..'));

    expect(built.result).toMatchObject({ status: 'FAILED', reason: 'exit', rpms: [] });
    expect(built.result.message).toMatch(/rpmbuild exited with 1/);
    expect(built.result.logTail).toContain('error: this commit breaks the build');
    expect(output.filter((f) => f.endsWith('.rpm') && !f.endsWith('.src.rpm'))).toEqual([]);
    expect(built.result.srpm).toBeDefined();
  });

  it('returns FAILED with rpm’s message for a broken spec', async () => {
    const built = await buildSample('sample-badspec', 'plain', async (_upstream, distgit) => {
      const spec = sampleSpec({
        name: 'sample-badspec',
        style: 'plain',
        patches: ['0001-Add-distro-note.patch'],
      });
      await commitFiles(distgit, {
        files: { 'sample-badspec.spec': spec.replace('License:', 'Licence:') },
        message: 'Typo',
        date: 1_700_000_100,
      });
    });

    expect(built.result).toMatchObject({ status: 'FAILED', reason: 'exit', rpms: [] });
    expect(built.result.srpm).toBeUndefined();
    expect(built.result.logTail).toMatch(/error: line \d+: Unknown tag: Licence:/);
  });

  it('kills the whole build when it times out', async () => {
    const marker = 31_337 + Math.floor(Math.random() * 1000);
    const started = Date.now();
    const built = await buildSample(
      'sample-slow',
      'plain',
      async (upstream) => {
        await commitFiles(upstream, {
          files: { 'build.sh': `#!/bin/sh\necho sleeping\nsleep ${marker}\n` },
          message: 'Slow build',
          date: 1_700_000_100,
        });
      },
      { timeoutMs: 15_000 },
    );
    const leftover = await exec('pgrep', ['-f', `sleep ${marker}`], { allowFailure: true });

    expect(built.result).toMatchObject({ status: 'FAILED', reason: 'timeout', rpms: [] });
    expect(built.result.logTail).toContain('sleeping');
    expect(Date.now() - started).toBeLessThan(120_000);
    expect(leftover.stdout.trim()).toBe('');
  });

  it('stops the build when it is aborted', async () => {
    const controller = new AbortController();
    const built = buildSample(
      'sample-aborted',
      'plain',
      async (upstream) => {
        await commitFiles(upstream, {
          files: { 'build.sh': '#!/bin/sh\necho waiting\nsleep 600\n' },
          message: 'Slow build',
          date: 1_700_000_100,
        });
        setTimeout(() => controller.abort(), 5_000);
      },
      { signal: controller.signal },
    );

    expect((await built).result).toMatchObject({ status: 'FAILED', reason: 'aborted', rpms: [] });
  });
});

describe('driver registry', () => {
  it('makes drivers by id and names the known ones for an unknown id', () => {
    expect(createBuildDriver('rpmbuild').id).toBe('rpmbuild');
    expect(() => createBuildDriver('koji')).toThrow(
      expect.objectContaining({
        code: 'FERRY_CONFIG_INVALID',
        message: 'unknown build driver "koji" (known: rpmbuild)',
      }),
    );
  });

  it('refuses a macro name that could smuggle an option', async () => {
    const work = await tempDir('ferry-build-');

    const attempt = createRpmbuildDriver().build({
      packageName: 'x',
      specPath: join(work, 'x.spec'),
      sourcesDir: work,
      version: '1',
      release: '1',
      macros: { 'dist --eval=%(id)': '.el9' },
      outputDir: join(work, 'out'),
      logFile: join(work, 'out', 'log'),
      timeoutMs: 10_000,
    });

    await expect(attempt).rejects.toMatchObject({ code: 'FERRY_CONFIG_INVALID' });
  });
});
