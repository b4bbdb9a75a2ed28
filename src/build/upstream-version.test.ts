import { describe, expect, it } from 'vitest';

import { gitRepo, mirrorOf, type TestRepo } from '../../test/helpers/git-factory.js';
import { resolveCommit } from '../vcs/index.js';
import {
  iniValue,
  puppetVersion,
  staticPythonVersion,
  upstreamVersion,
  usesPbr,
} from './upstream-version.js';

async function plainProject(): Promise<TestRepo> {
  const repo = await gitRepo();
  await repo.commit({ 'main.c': 'int main(void) { return 0; }\n' }, 'Initial import');
  return repo;
}

async function versionAtHead(repo: TestRepo, viaMirror = false): Promise<unknown> {
  const dir = viaMirror ? await mirrorOf(repo.dir) : repo.dir;
  return upstreamVersion(dir, await resolveCommit(dir, 'HEAD'));
}

describe.concurrent('upstreamVersion of a project versioned by git tags (git describe --tags)', () => {
  it('is 0.0.1 without any tag', async () => {
    const repo = await plainProject();

    expect(await versionAtHead(repo)).toEqual({
      source: 'none',
      upstreamVersion: '0.0.1',
      version: '0.0.1',
      stripRule: 'plain',
    });
  });

  it('is the tag without its v on a tagged commit', async () => {
    const repo = await plainProject();
    await repo.tag('v1.2.3');

    expect(await versionAtHead(repo, true)).toEqual({
      source: 'git-describe',
      upstreamVersion: '1.2.3',
      version: '1.2.3',
      stripRule: 'plain',
    });
  });

  it('bumps the last component when commits follow the tag', async () => {
    const repo = await plainProject();
    await repo.tag('2.0', { annotated: true });
    await repo.commit({ a: '1\n' }, 'More');

    expect(await versionAtHead(repo)).toMatchObject({ upstreamVersion: '2.1', version: '2.1' });
  });

  it('does not bump an -rc tag and strips it from the Version', async () => {
    const repo = await plainProject();
    await repo.tag('3.0.0-rc1');
    await repo.commit({ a: '1\n' }, 'More');

    expect(await versionAtHead(repo)).toMatchObject({
      upstreamVersion: '3.0.0-rc1',
      version: '3.0.0',
      stripRule: 'version-release',
    });
  });

  it('ignores private and end-of-life tags as DLRN deletes them', async () => {
    const repo = await plainProject();
    await repo.tag('0.9.0');
    await repo.commit({ a: '1\n' }, 'More');
    await repo.tag('private-experiment');
    await repo.tag('2023.1-eol');
    await repo.tag('victoria-em');

    expect(await versionAtHead(repo)).toMatchObject({ source: 'git-describe', upstreamVersion: '0.9.1' });
  });

  it('takes a Puppet module version from metadata.json and still bumps it after the tag', async () => {
    const repo = await gitRepo();
    await repo.commit({ 'metadata.json': '{"name": "openstack-nova", "version": "25.1.0"}\n' }, 'Initial');
    await repo.tag('25.1.0');
    await repo.commit({ 'manifests/init.pp': 'class nova {}\n' }, 'More');

    expect(await versionAtHead(repo)).toMatchObject({
      source: 'puppet',
      upstreamVersion: '25.1.1',
      version: '25.1.1',
    });
  });

  it('takes a static version from a Python project without pbr', async () => {
    const repo = await gitRepo();
    await repo.commit(
      {
        'setup.py': 'from setuptools import setup\nsetup(name="plainpy", version="4.5.6")\n',
        'setup.cfg': '[metadata]\nname = plainpy\n',
      },
      'Initial',
    );

    expect(await versionAtHead(repo)).toEqual({
      source: 'python-static',
      upstreamVersion: '4.5.6',
      version: '4.5.6',
      stripRule: 'plain',
      pythonName: 'plainpy',
    });
  });

  it('strips a pbr pre-release development version as DLRN does', async () => {
    const repo = await gitRepo();
    await repo.commit(
      {
        'setup.py': 'import setuptools\nsetuptools.setup(setup_requires=["pbr"], pbr=True)\n',
        'setup.cfg': '[metadata]\nname = oslo.demo\n',
      },
      'Initial',
    );
    await repo.tag('1.0.0.0rc1', { annotated: true });
    for (let i = 0; i < 3; i += 1) await repo.commit({ [`f${i}`]: 'x\n' }, `Change ${i}`);

    expect(await versionAtHead(repo, true)).toEqual({
      source: 'pbr',
      upstreamVersion: '1.0.0.0rc2.dev3',
      version: '1.0.0',
      stripRule: 'rc',
      pythonName: 'oslo.demo',
    });
  });

  it('uses an override as is', async () => {
    const repo = await plainProject();
    const head = await resolveCommit(repo.dir, 'HEAD');

    expect(await upstreamVersion(repo.dir, head, { override: '9.9.9.dev1' })).toEqual({
      source: 'override',
      upstreamVersion: '9.9.9.dev1',
      version: '9.9.9',
      stripRule: 'dev',
    });
  });
});

describe('project metadata readers', () => {
  it('reads INI values, pbr use, static versions and Puppet metadata', () => {
    const cfg =
      '[metadata]\nname = foo\nversion = 1.0\ndescription-file =\n    README.rst\n[pbr]\nskip_authors = 1\n';

    expect([
      iniValue(cfg, 'metadata', 'name'),
      iniValue(cfg, 'metadata', 'description_file'),
      iniValue(cfg, 'files', 'x'),
    ]).toEqual(['foo', '', undefined]);
    expect([
      usesPbr('setup(pbr=True)', undefined),
      usesPbr(undefined, cfg),
      usesPbr('setup(name="x")', '[metadata]\n'),
    ]).toEqual([true, true, false]);
    expect(staticPythonVersion(undefined, undefined, '[project]\nname = "x"\nversion = "2.3"\n')).toBe('2.3');
    expect(puppetVersion('{"version": "1.2.3"}', undefined)).toBe('1.2.3');
    expect(puppetVersion('not json', "name 'x'\nversion '4.5.6'\n")).toBe('4.5.6');
  });
});
