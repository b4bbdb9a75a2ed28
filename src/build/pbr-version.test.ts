import { beforeAll, describe, expect, it } from 'vitest';

import { gitRepo, type TestRepo } from '../../test/helpers/git-factory.js';
import { pbrParse, pbrSort, pythonWithPbr, setupPyVersion } from '../../test/helpers/pbr-reference.js';
import { resolveCommit } from '../vcs/index.js';
import { comparePbrVersions, parsePbrVersion, pbrReleaseString } from './pbr-semver.js';
import { pbrVersion, semVerIncrement, versionTagsOfDecoration } from './pbr-version.js';
import { upstreamVersion } from './upstream-version.js';

let python: string;

beforeAll(async () => {
  python = await pythonWithPbr();
});

describe('pbr SemanticVersion port', () => {
  const inputs = [
    '1.2.3',
    'v1.2.3',
    'V1.2.3.0a4.post6',
    '1',
    '1.0',
    '1.2.0rc1',
    '1.2.3.post5',
    '1.2.3.0a4.post6',
    '0.0.1a2',
    '0.1a2',
    '2.1.0.rc1',
    '2014.2.b2',
    '1.2.4.dev5',
    '1.2.0.dev5',
    '1.2.4.0a1.dev12',
    '1.2.4.0b1',
    '1.2.4.0a0',
    '1.0.0.0rc1',
    '2.0.0.0b4.dev15',
    '0.10.1.3.g83bef74',
    '1.2.3.4',
    '2024.1.0',
    '6eed5ae',
    'x1.2.3',
    'non-release-tag/2014.12.16-1',
    '1.2.3.post5.dev6',
    '1.2.3.foo',
    '1.2.3.0',
    '1..2',
    'release',
  ];

  it('parses and renders every version as pbr does', async () => {
    const ours = inputs.map((v) => {
      try {
        return pbrReleaseString(parsePbrVersion(v));
      } catch {
        return 'ERROR';
      }
    });

    expect(ours).toEqual(await pbrParse(python, inputs));
  });

  it('orders versions as pbr does', async () => {
    const valid = [
      '1.2.3',
      '1.2.4.dev5',
      '1.2.4.0a1',
      '1.2.4.0a1.dev3',
      '1.2.4.0b2',
      '1.2.4.0rc1',
      '1.2.4',
      '1.2.3.dev1',
      '2.0',
      '1.10.0',
      '1.2.4.0rc1.dev9',
      '0.0.1',
    ];

    const ours = [...valid].sort((a, b) => comparePbrVersions(parsePbrVersion(a), parsePbrVersion(b)));

    expect(ours).toEqual(await pbrSort(python, valid));
  });

  it('reads version tags from decorations and Sem-Ver lines from messages', () => {
    expect(
      versionTagsOfDecoration(
        ' (HEAD -> refs/heads/master, tag: refs/tags/1.0.0, tag: refs/tags/2.0.0-rc1, tag: refs/tags/latest)',
      ),
    ).toEqual(['1.0.0', '2.0.0.rc1']);
    expect(versionTagsOfDecoration('')).toEqual([]);
    expect(semVerIncrement('Fix\n\nSem-Ver: bugfix\n')).toEqual({});
    expect(semVerIncrement('Add\n\n  SEM-VER: feature, deprecation\n')).toEqual({ minor: true });
    expect(semVerIncrement('Break\nsem-ver: api-break\n')).toEqual({ major: true });
  });
});

/** A pbr project whose history each case extends. */
async function pbrProject(setupCfgVersion?: string): Promise<TestRepo> {
  const repo = await gitRepo();
  await repo.commit(
    {
      'setup.cfg': `[metadata]\nname = demo-proj\n${setupCfgVersion === undefined ? '' : `version = ${setupCfgVersion}\n`}\n[files]\npackages = demo\n`,
      'setup.py': 'import setuptools\nsetuptools.setup(setup_requires=["pbr"], pbr=True)\n',
      'demo/__init__.py': '',
    },
    'Initial import',
  );
  return repo;
}

interface Case {
  readonly title: string;
  readonly arrange: (repo: TestRepo) => Promise<void>;
  /** setup.cfg's `[metadata] version` (pbr pre-versioning). */
  readonly setupCfgVersion?: string;
}

describe.concurrent('pbr version of a git history, compared with python setup.py --version', () => {
  const edit = (repo: TestRepo, n: number, message = `Change ${n}`): Promise<string> =>
    repo.commit({ [`f${n}.txt`]: `${n}\n` }, message);
  const release = (repo: TestRepo, tag: string): Promise<void> => repo.tag(tag, { annotated: true });
  const cases: readonly Case[] = [
    { title: 'one commit, no tag', arrange: async () => {} },
    {
      title: 'three commits, no tag',
      arrange: async (r) => {
        await edit(r, 1);
        await edit(r, 2);
      },
    },
    { title: 'annotated release tag on the commit', arrange: (r) => release(r, '1.0.0') },
    { title: 'lightweight tag on the commit', arrange: (r) => r.tag('1.4.2') },
    {
      title: 'commits after a release',
      arrange: async (r) => {
        await release(r, '1.0.0');
        await edit(r, 1);
        await edit(r, 2);
      },
    },
    {
      title: 'v-prefixed tag',
      arrange: async (r) => {
        await release(r, 'v1.2.0');
        await edit(r, 1);
      },
    },
    {
      title: 'Sem-Ver: feature',
      arrange: async (r) => {
        await release(r, '1.0.0');
        await edit(r, 1, 'New thing\n\nSem-Ver: feature');
        await edit(r, 2);
      },
    },
    {
      title: 'Sem-Ver: api-break',
      arrange: async (r) => {
        await release(r, '1.3.0');
        await edit(r, 1, 'Break\n\nSem-Ver: api-break');
      },
    },
    {
      title: 'after a release candidate',
      arrange: async (r) => {
        await release(r, '2.0.0.0rc1');
        await edit(r, 1);
        await edit(r, 2);
      },
    },
    {
      title: 'after a beta tag',
      arrange: async (r) => {
        await release(r, '3.1.0.0b2');
        await edit(r, 1);
      },
    },
    {
      title: 'two version tags on one commit',
      arrange: async (r) => {
        await release(r, '1.0.0.0rc1');
        await release(r, '1.0.0');
        await edit(r, 1);
      },
    },
    {
      title: 'non-version tags are ignored',
      arrange: async (r) => {
        await release(r, '1.1.0');
        await edit(r, 1);
        await r.tag('latest');
        await edit(r, 2);
      },
    },
    {
      title: 'merged topic branch',
      arrange: async (r) => {
        await release(r, '0.5.0');
        await r.branch('topic', { checkout: true });
        await edit(r, 1);
        await edit(r, 2);
        await r.checkout('master');
        await edit(r, 3);
        await r.merge('topic');
      },
    },
    {
      title: 'pre-versioning from setup.cfg',
      setupCfgVersion: '3.0.0',
      arrange: async (r) => {
        await release(r, '1.0.0');
        await edit(r, 1);
      },
    },
  ];

  it.each(cases)('$title', async ({ arrange, setupCfgVersion }) => {
    const repo = await pbrProject(setupCfgVersion);
    await arrange(repo);
    const head = await resolveCommit(repo.dir, 'HEAD');

    const ours = await pbrVersion(
      repo.dir,
      head,
      setupCfgVersion === undefined ? {} : { preVersion: setupCfgVersion },
    );
    const info = await upstreamVersion(repo.dir, head);

    expect(ours).toBe(await setupPyVersion(python, repo.dir));
    expect(info).toMatchObject({ source: 'pbr', upstreamVersion: ours, pythonName: 'demo-proj' });
  });
});
