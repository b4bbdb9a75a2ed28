import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { aliasBomb, anyYaml } from '../../test/helpers/yaml-arbitrary.js';
import { FerryError } from '../errors.js';
import { exec } from '../util/exec.js';
import { parseCommitYaml, renderCommitYaml, type SnapshotCommit } from './commit-yaml.js';
import { dumpListOfMaps } from './pyyaml-dump.js';

/** PyYAML is the reference: DLRN writes commit.yaml with `yaml.dump(data, default_flow_style=False)`. */
async function pyyamlDump(items: readonly Record<string, string>[]): Promise<string> {
  const script =
    'import json, sys\n' +
    'try:\n    import yaml\nexcept ImportError:\n' +
    '    sys.exit("python3-yaml (PyYAML) is needed by this test: run scripts/install-deps.sh --test")\n' +
    'sys.stdout.write(yaml.dump({"commits": json.load(sys.stdin)}, default_flow_style=False))\n';
  const { stdout } = await exec('python3', ['-c', script], { input: JSON.stringify(items) });
  return stdout;
}

const commit: SnapshotCommit = {
  id: 7835,
  type: 'rpm',
  dtCommit: 1444139038,
  dtDistro: 1431949433,
  dtExtended: 0,
  dtBuild: 1444139517,
  projectName: 'python-pysaml2',
  repoDir: '/home/centos-master/data/python-pysaml2',
  distgitDir: '/home/centos-master/data/python-pysaml2_distro',
  commitHash: '3a9326f251b9a4162eb0dfa9f1c924ef47c2c55a',
  distroHash: '024e24f0cf4366c2290c22f24e42de714d1addd1',
  extendedHash: null,
  commitBranch: 'master',
  status: 'SUCCESS',
  component: null,
  artifacts:
    'repos/3a/93/3a9326f251b9a4162eb0dfa9f1c924ef47c2c55a_024e24f0/python-pysaml2-3.0-1a.el7.centos.noarch.rpm,' +
    'repos/3a/93/3a9326f251b9a4162eb0dfa9f1c924ef47c2c55a_024e24f0/python-pysaml2-3.0-1a.el7.centos.src.rpm',
  notes: 'OK',
  flags: 0,
  versionsCsv: null,
};

describe('renderCommitYaml', () => {
  it('writes every DLRN column as a string, keys sorted, None for null, dt_commit as a float', () => {
    const text = renderCommitYaml(commit);

    expect(text).toBe(
      [
        'commits:',
        `- artifacts: ${commit.artifacts}`,
        '  commit_branch: master',
        '  commit_hash: 3a9326f251b9a4162eb0dfa9f1c924ef47c2c55a',
        '  component: None',
        '  distgit_dir: /home/centos-master/data/python-pysaml2_distro',
        '  distro_hash: 024e24f0cf4366c2290c22f24e42de714d1addd1',
        "  dt_build: '1444139517'",
        "  dt_commit: '1444139038.0'",
        "  dt_distro: '1431949433'",
        "  dt_extended: '0'",
        '  extended_hash: None',
        "  flags: '0'",
        "  id: '7835'",
        '  notes: OK',
        '  project_name: python-pysaml2',
        '  repo_dir: /home/centos-master/data/python-pysaml2',
        '  status: SUCCESS',
        '  type: rpm',
        '  versions_csv: None',
        '',
      ].join('\n'),
    );
  });

  it('reads back what it writes', () => {
    expect(parseCommitYaml(renderCommitYaml(commit))).toEqual([commit]);
  });

  it('is byte-identical to PyYAML for the same commit', async () => {
    const failed: SnapshotCommit = {
      ...commit,
      status: 'FAILED',
      component: 'tripleo',
      notes:
        "Error in build_rpm_wrapper for python-pysaml2: Command 'rpmbuild' returned non-zero exit status 1: " +
        'error: Bad exit status from /var/tmp/rpm-tmp.abc (%build)\n    Bad exit status\tline two',
    };
    const fields = (await import('./commit-yaml.js')).commitYamlFields(failed);

    expect(renderCommitYaml(failed)).toBe(await pyyamlDump([fields]));
  });
});

describe('dumpListOfMaps (PyYAML emitter port)', () => {
  it('matches PyYAML on scalars that need quoting, escaping or folding', async () => {
    const long = 'word '.repeat(40).trim();
    const samples = [
      '',
      'None',
      'null',
      '~',
      'true',
      'yes',
      'Off',
      '1234',
      '0755',
      '0x1f',
      '1.5',
      '.inf',
      '1_000',
      '12:30',
      '2024-01-02',
      '=',
      '<<',
      '-',
      '- item',
      'a: b',
      'a:b',
      'key #comment',
      'a#b',
      '#x',
      "it's",
      '"quoted"',
      ' leading',
      'trailing ',
      'tab\there',
      'line\nbreak',
      'two\n\nbreaks\n',
      'space \nbreak',
      'break\n space',
      'ünïcode',
      'emoji \u{1F600}',
      'back\\slash',
      '---start',
      '...dots',
      '[x]',
      '{x}',
      '@at',
      '`tick',
      '%pct',
      '!bang',
      '&amp',
      '*star',
      '|pipe',
      '>gt',
      '?q',
      '? q',
      ':colon',
      long,
      `${long}'s quoted: ${long}`,
      `x${'y'.repeat(100)} z ${'w'.repeat(90)}`,
      `${long}\t${long}`,
      `${'a'.repeat(75)}  double  spaces ${'b '.repeat(30)}`,
      `error: ${'é'.repeat(50)} ${'x '.repeat(40)}`,
      'ctrl\x01\x7f\x85\u2028',
      'nbsp\xa0here',
    ];
    const items = samples.map((value, i) => ({ [`k${String(i).padStart(2, '0')}`]: value, id: String(i) }));

    const ours = dumpListOfMaps('commits', items);

    expect(ours).toBe(await pyyamlDump(items));
  });

  it('matches PyYAML on random printable and control text', async () => {
    let seed = 42;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const alphabet = 'ab \n\t:#-\'"{}[],?!&*|>%@`~=<.01é\u2028';
    const items = Array.from({ length: 300 }, (_, i) => {
      const length = random(240);
      let value = '';
      for (let j = 0; j < length; j++) value += alphabet[random(alphabet.length)];
      return { value, n: String(i) };
    });

    expect(dumpListOfMaps('commits', items)).toBe(await pyyamlDump(items));
  });
});

describe('parseCommitYaml', () => {
  it('reads a DLRN-written file with values that are not strings', () => {
    const text = 'commits:\n- commit_hash: abc123\n  dt_commit: 1444139038\n  status: RETRY\n  rpms: a.rpm\n';

    const [parsed] = parseCommitYaml(text);

    expect(parsed).toMatchObject({
      commitHash: 'abc123',
      dtCommit: 1444139038,
      status: 'RETRY',
      artifacts: 'a.rpm',
    });
  });

  it('names the file and position of bad YAML', () => {
    let error: unknown;
    try {
      parseCommitYaml('commits:\n  - a: [b\n', 'x/commit.yaml');
    } catch (caught) {
      error = caught;
    }

    expect(error).toBeInstanceOf(FerryError);
    expect(String(error)).toMatch(/^x\/commit\.yaml:\d+:\d+: invalid YAML/);
  });

  it('refuses an alias bomb and a recursive alias as FERRY_REPODATA_INVALID naming the file', () => {
    const bomb = `commits:\n- commit_hash: a\n  dt_commit: 1\n  status: SUCCESS\n  notes: *l8\n`;

    expect(() => parseCommitYaml(`${aliasBomb(9, 9)}${bomb}`, 'x/commit.yaml')).toThrow(
      /^x(\.l\d)?: aliases expand the document past 16 MiB$/,
    );
    expect(() => parseCommitYaml('commits: &c [*c]\n', 'x/commit.yaml')).toThrow(/recursive alias/);
  });

  it('property: any document gives commits or one FERRY_REPODATA_INVALID naming the file', () => {
    fc.assert(
      fc.property(anyYaml, (text) => {
        try {
          parseCommitYaml(text, 'x/commit.yaml');
        } catch (error) {
          expect(error).toBeInstanceOf(FerryError);
          expect((error as FerryError).code).toBe('FERRY_REPODATA_INVALID');
          expect((error as FerryError).file).toBe('x/commit.yaml');
        }
      }),
      { numRuns: 300 },
    );
  });

  it('rejects an unknown status with its field path', () => {
    expect(() => parseCommitYaml('commits:\n- commit_hash: a\n  dt_commit: 1\n  status: BUILDING\n')).toThrow(
      'commits[0].status: "BUILDING"',
    );
  });
});
