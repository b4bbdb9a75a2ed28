import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { gitRepo, mirrorOf } from '../../test/helpers/git-factory.js';
import { tempDir } from '../../test/helpers/temp-dir.js';
import { resolveCommit } from '../vcs/index.js';
import { prepareBuild } from './build-preparation.js';
import { samplePatch, sampleSpec, sampleUpstreamFiles } from './sample-package.js';

const START = new Date('2024-01-02T03:04:05Z');

async function repos(
  distgitFiles: Record<string, string>,
): Promise<{ upstream: string; distgit: string; commit: string; distro: string }> {
  const upstream = await gitRepo();
  await upstream.commit(sampleUpstreamFiles('demo', 'plain'), 'Initial');
  await upstream.tag('0.3.0');
  const distgit = await gitRepo();
  await distgit.commit(distgitFiles, 'Packaging');
  const [u, d] = await Promise.all([mirrorOf(upstream.dir), mirrorOf(distgit.dir)]);
  return {
    upstream: u,
    distgit: d,
    commit: await resolveCommit(u, 'HEAD'),
    distro: await resolveCommit(d, 'HEAD'),
  };
}

describe.concurrent('prepareBuild', () => {
  it('takes the spec from the distgit-path directory and keeps the other distgit files as sources', async () => {
    const spec = sampleSpec({ name: 'demo', style: 'plain', patches: ['0001-Add-distro-note.patch'] });
    const r = await repos({
      'README.md': 'not a source\n',
      'openstack/demo/demo.spec': spec,
      'openstack/demo/0001-Add-distro-note.patch': samplePatch(),
      'openstack/demo/demo.conf': 'key=value\n',
    });
    const work = join(await tempDir('ferry-prep-'), 'work');

    const prepared = await prepareBuild({
      packageName: 'demo',
      upstreamDir: r.upstream,
      commit: r.commit,
      distgitDir: r.distgit,
      distroHash: r.distro,
      distgitPath: 'openstack/demo',
      buildStart: START,
      workDir: work,
    });

    expect(prepared).toMatchObject({
      specPath: join(work, 'demo.spec'),
      sourcesDir: join(work, 'sources'),
      version: '0.3.0',
      release: `0.20240102030405.${r.commit.slice(0, 7)}`,
      upstream: { source: 'git-describe', upstreamVersion: '0.3.0' },
    });
    expect((await readdir(prepared.sourcesDir)).sort()).toEqual(
      [
        '0001-Add-distro-note.patch',
        `demo-0.3.0-0.20240102030405.${r.commit.slice(0, 7)}.tar.gz`,
        'demo.conf',
      ].sort(),
    );
    expect(await readFile(prepared.specPath, 'utf8')).toContain(
      `Source0:        demo-0.3.0-0.20240102030405.${r.commit.slice(0, 7)}.tar.gz`,
    );
  });

  it('asks for a spec when the distgit has none, or several and none named after the package', async () => {
    const none = await repos({ 'README.md': 'x\n' });
    const several = await repos({ 'a.spec': 'Name: a\n', 'b.spec': 'Name: b\n' });
    const base = { packageName: 'demo', buildStart: START } as const;

    const errors = await Promise.all(
      [none, several].map(async (r) =>
        prepareBuild({
          ...base,
          upstreamDir: r.upstream,
          commit: r.commit,
          distgitDir: r.distgit,
          distroHash: r.distro,
          workDir: join(await tempDir('ferry-prep-'), 'work'),
        }).catch((e: unknown) => e),
      ),
    );

    expect(errors.map((e) => [(e as { code: string }).code, (e as Error).message])).toEqual([
      ['FERRY_SPEC_INVALID', 'the distgit of demo has no .spec file'],
      [
        'FERRY_SPEC_INVALID',
        'the distgit of demo has several .spec files (a.spec, b.spec) and none is demo.spec',
      ],
    ]);
  });
});
