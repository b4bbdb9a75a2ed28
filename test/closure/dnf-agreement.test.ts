/**
 * ferry's closure against the real `dnf repoclosure` on repositories built
 * with the fixture factory and injected breakage: for every option set, the
 * unresolved (package, repository, dependency) triples must be exactly
 * dnf's, whether ferry reads createrepo_c's XML or its own dependency index.
 */
import { link, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import {
  dependencyIndexExtension,
  parseRepoSpec,
  repoClosure,
  type RepoClosureOptions,
} from '../../src/closure/index.js';
import { indexRepository } from '../../src/repo/index.js';
import { exec } from '../../src/util/exec.js';
import { tempDir } from '../helpers/temp-dir.js';
import { buildClosureFixture } from './closure-fixtures.js';
import {
  pairsOf,
  parseDnfReport,
  runDnfRepoclosure,
  type ClosurePair,
  type DnfClosureOptions,
} from './dnf-repoclosure.js';

interface Repos {
  readonly main: string;
  readonly base: string;
}

let createrepo: Repos;
let ferry: Repos;

async function linkRpms(from: string, to: string): Promise<void> {
  await mkdir(to, { recursive: true });
  for (const name of await readdir(from))
    if (name.endsWith('.rpm')) await link(join(from, name), join(to, name));
}

beforeAll(async () => {
  const dir = await tempDir('ferry-closure-dnf-');
  const fixture = await buildClosureFixture(join(dir, 'createrepo'));
  createrepo = { main: fixture.main, base: fixture.base };
  ferry = { main: join(dir, 'ferry', 'main'), base: join(dir, 'ferry', 'base') };
  await Promise.all([linkRpms(createrepo.main, ferry.main), linkRpms(createrepo.base, ferry.base)]);
  await Promise.all([
    exec('createrepo_c', ['-q', createrepo.main]),
    exec('createrepo_c', ['-q', createrepo.base]),
    indexRepository(ferry.main, { extensions: [dependencyIndexExtension()] }),
    indexRepository(ferry.base, { extensions: [dependencyIndexExtension()] }),
  ]);
}, 900_000);

interface Case {
  /** Repositories dnf enables (ids main/base). */
  readonly dnfRepos: readonly ('main' | 'base')[];
  readonly dnf: DnfClosureOptions;
  readonly ferry: Omit<RepoClosureOptions, 'repos' | 'lookaside'> & { readonly lookaside: boolean };
}

async function agree(c: Case): Promise<ClosurePair[]> {
  const dnfRun = await runDnfRepoclosure(
    c.dnfRepos.map((id) => ({ id, path: createrepo[id] })),
    c.dnf,
  );
  const expected = parseDnfReport(dnfRun.stdout);
  for (const [repos, source] of [
    [createrepo, 'xml'],
    [ferry, 'index'],
  ] as const) {
    const report = await repoClosure({
      ...c.ferry,
      repos: [parseRepoSpec(`main,${repos.main}`)],
      lookaside: c.ferry.lookaside ? [parseRepoSpec(`base,${repos.base}`)] : [],
      systemArch: 'x86_64',
    });
    expect(report.repos.map((r) => r.source)).toEqual(report.repos.map(() => source));
    expect(pairsOf(report), `ferry over ${source} vs dnf`).toEqual(expected);
  }
  expect(dnfRun.exitCode).toBe(expected.length > 0 ? 1 : 0);
  return expected;
}

const pair = (pkg: string, dependency: string, repo = 'main'): ClosurePair => ({
  package: pkg,
  repo,
  dependency,
});

describe('ferry repoclosure agrees with dnf repoclosure', () => {
  it('checks a repository against a lookaside one (versions, epochs, files, rich deps, arches, src rpms)', async () => {
    const pairs = await agree({
      dnfRepos: ['main', 'base'],
      dnf: { check: ['main'] },
      ferry: { lookaside: true },
    });

    expect(pairs).toEqual(
      expect.arrayContaining([
        pair('cl-versions-1.0-1.noarch', 'cl-lib > 1.5'),
        pair('cl-versions-1.0-1.noarch', 'missing-pre-thing'),
        pair('cl-epochuser-1.0-1.noarch', 'cl-epoch = 1.0-1'),
        pair('cl-files-1.0-1.noarch', '/usr/share/cl-lib'),
        pair('cl-rich-1.0-1.noarch', '(cl-lib without cl-api)'),
        pair('cl-rich-1.0-1.noarch', '(cl-missing-a >= 1.0 or cl-missing-b)'),
        pair('cl-x64-1.0-1.x86_64', 'cl-arm-cap'),
        pair('cl-armlib-1.0-1.aarch64', 'cl-armlib'),
        pair('cl-src-1.0-1.src', 'cl-missing-builddep'),
      ]),
    );
    expect(
      pairs.some(
        (p) => p.dependency === '/usr/share/cl-lib/data.txt' || p.dependency === '/opt/lookaside/tool',
      ),
    ).toBe(false);
  });

  it('without the lookaside repository', async () => {
    const pairs = await agree({ dnfRepos: ['main'], dnf: {}, ferry: { lookaside: false } });

    expect(pairs).toEqual(
      expect.arrayContaining([
        pair('cl-files-1.0-1.noarch', '/opt/lookaside/tool'),
        pair('cl-baseuser-1.0-1.noarch', 'cl-base-cap'),
      ]),
    );
  });

  it('--newest: older versions are neither checked nor providers', async () => {
    const pairs = await agree({
      dnfRepos: ['main', 'base'],
      dnf: { check: ['main'], newest: true },
      ferry: { lookaside: true, newest: true },
    });

    expect(pairs).toContainEqual(pair('cl-oldcapuser-1.0-1.noarch', 'cl-old-cap'));
    expect(pairs.some((p) => p.package === 'cl-multi-1.0-1.noarch')).toBe(false);
  });

  it('best=True: only the newest packages provide', async () => {
    const pairs = await agree({
      dnfRepos: ['main', 'base'],
      dnf: { check: ['main'], best: true },
      ferry: { lookaside: true, best: true },
    });

    expect(pairs).toContainEqual(pair('cl-multi-1.0-1.noarch', 'cl-missing-old'));
    expect(pairs).toContainEqual(pair('cl-oldcapuser-1.0-1.noarch', 'cl-old-cap'));
  });

  it('--arch narrows the checked packages to exact architectures', async () => {
    const x86 = await agree({
      dnfRepos: ['main', 'base'],
      dnf: { check: ['main'], arch: ['x86_64'] },
      ferry: { lookaside: true, arch: ['x86_64'] },
    });
    const arm = await agree({
      dnfRepos: ['main', 'base'],
      dnf: { check: ['main'], arch: ['aarch64', 'noarch'] },
      ferry: { lookaside: true, arch: ['aarch64', 'noarch'] },
    });

    expect(new Set(x86.map((p) => p.package))).toEqual(new Set(['cl-x64-1.0-1.x86_64']));
    expect(arm.some((p) => p.package === 'cl-armlib-1.0-1.aarch64')).toBe(true);
    expect(arm.some((p) => p.package.endsWith('.x86_64') || p.package.endsWith('.i686'))).toBe(false);
  });

  it('--pkg takes names, NEVRs and globs', async () => {
    const pairs = await agree({
      dnfRepos: ['main', 'base'],
      dnf: { check: ['main'], pkg: ['cl-rich', 'cl-multi-1.0-1', 'cl-x*'] },
      ferry: { lookaside: true, pkg: ['cl-rich', 'cl-multi-1.0-1', 'cl-x*'] },
    });

    expect(new Set(pairs.map((p) => p.package))).toEqual(
      new Set(['cl-rich-1.0-1.noarch', 'cl-multi-1.0-1.noarch', 'cl-x64-1.0-1.x86_64']),
    );
  });

  it('--check names the checked repositories, lookaside ones included', async () => {
    const base = await agree({
      dnfRepos: ['main', 'base'],
      dnf: { check: ['base'] },
      ferry: { lookaside: true, check: ['base'] },
    });
    await agree({ dnfRepos: ['main', 'base'], dnf: {}, ferry: { lookaside: true, check: ['main', 'base'] } });

    expect(base).toEqual([pair('cl-base-1.0-1.noarch', 'cl-base-missing', 'base')]);
  });

  it('a package spec that matches nothing is an error in both', async () => {
    const dnfRun = await runDnfRepoclosure([{ id: 'main', path: createrepo.main }], {
      pkg: ['no-such-package'],
    });

    expect(dnfRun.exitCode).toBe(1);
    expect(dnfRun.stderr).toContain('no package matched: no-such-package');
    await expect(
      repoClosure({ repos: [parseRepoSpec(`main,${createrepo.main}`)], pkg: ['no-such-package'] }),
    ).rejects.toThrow('no package matched: no-such-package');
  });
});
