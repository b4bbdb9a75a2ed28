import { beforeAll, describe, expect, it } from 'vitest';

import type { BuiltRpm } from '../../test/helpers/rpm-factory.js';
import { buildRpms } from '../../test/helpers/rpm-factory.js';
import { tempDir } from '../../test/helpers/temp-dir.js';
import { exec } from '../util/exec.js';
import {
  formatNevr,
  formatNevra,
  formatNvr,
  parseNevr,
  parseNevra,
  parseNvr,
  parseRpmFileName,
  rpmFileName,
} from './nevra.js';

describe('parseNevra / formatNevra', () => {
  it('parses the dnf and rpm forms, names with dashes, epochs and dotted releases', () => {
    const inputs = [
      'foo-1.0-1.x86_64',
      'python3-foo-bar-2:1.0~rc1-3.el9.noarch',
      '2:python3-foo-bar-1.0~rc1-3.el9.noarch',
      'openstack-nova-common-1:27.1.0-0.20231114.abcdef0.el9.noarch',
      'glibc-2.34-60.el9.i686',
      'foo-1.0^git1-1.src',
    ];

    const parsed = inputs.map(parseNevra);

    expect(parsed).toEqual([
      { name: 'foo', epoch: 0, version: '1.0', release: '1', arch: 'x86_64' },
      { name: 'python3-foo-bar', epoch: 2, version: '1.0~rc1', release: '3.el9', arch: 'noarch' },
      { name: 'python3-foo-bar', epoch: 2, version: '1.0~rc1', release: '3.el9', arch: 'noarch' },
      {
        name: 'openstack-nova-common',
        epoch: 1,
        version: '27.1.0',
        release: '0.20231114.abcdef0.el9',
        arch: 'noarch',
      },
      { name: 'glibc', epoch: 0, version: '2.34', release: '60.el9', arch: 'i686' },
      { name: 'foo', epoch: 0, version: '1.0^git1', release: '1', arch: 'src' },
    ]);
    expect(parsed.map(formatNevra)).toEqual([
      'foo-1.0-1.x86_64',
      'python3-foo-bar-2:1.0~rc1-3.el9.noarch',
      'python3-foo-bar-2:1.0~rc1-3.el9.noarch',
      'openstack-nova-common-1:27.1.0-0.20231114.abcdef0.el9.noarch',
      'glibc-2.34-60.el9.i686',
      'foo-1.0^git1-1.src',
    ]);
  });

  it('rejects malformed input with a message naming the expected form', () => {
    const bad = [
      '',
      'foo',
      'foo-1.0',
      'foo-1.0-1',
      'foo-1-1.el9',
      '-1.0-1.noarch',
      'foo--1.noarch',
      'foo-1.0-.noarch',
      '1:foo-2:1.0-1.noarch',
      'foo-x:1.0-1.noarch',
      'foo bar-1.0-1.noarch',
      '../foo-1.0-1.noarch',
      'foo-1.0-1.',
    ];

    const messages = bad.map((text) => {
      try {
        parseNevra(text);
        return 'accepted';
      } catch (error) {
        return (error as { code: string; message: string }).code + ' ' + (error as Error).message;
      }
    });

    for (const message of messages) {
      expect(message).toMatch(
        /^FERRY_USAGE invalid NEVRA .*\(expected name-\[epoch:\]version-release\.arch\)$/,
      );
    }
    expect(messages[4]).toContain('unknown architecture "el9"');
    expect(messages[8]).toContain('two epochs');
  });
});

describe('NEVR, NVR and file names', () => {
  it('parses and formats each form', () => {
    expect({
      nevr: parseNevr('foo-bar-3:1.2-4.fc40'),
      nvr: parseNvr('openstack-nova-27.1.0-1.el9'),
      file: parseRpmFileName('/srv/repo/python3-foo-1.0-1.el9.noarch.rpm'),
      source: parseRpmFileName('foo-1.0-1.src.rpm'),
    }).toEqual({
      nevr: { name: 'foo-bar', epoch: 3, version: '1.2', release: '4.fc40' },
      nvr: { name: 'openstack-nova', version: '27.1.0', release: '1.el9' },
      file: { name: 'python3-foo', epoch: 0, version: '1.0', release: '1.el9', arch: 'noarch' },
      source: { name: 'foo', epoch: 0, version: '1.0', release: '1', arch: 'src' },
    });
    expect([
      formatNevr({ name: 'a', epoch: 1, version: '2', release: '3' }),
      formatNevr({ name: 'a', epoch: 0, version: '2', release: '3' }),
      formatNvr({ name: 'a-b', version: '2', release: '3' }),
      rpmFileName({ name: 'a', version: '2', release: '3', arch: 'i686' }),
    ]).toEqual(['a-1:2-3', 'a-2-3', 'a-b-2-3', 'a-2-3.i686.rpm']);
    expect(() => parseNvr('foo-1:1.0-1')).toThrow(/no epoch allowed/);
    expect(() => parseRpmFileName('foo-1.0-1.noarch')).toThrow(/no \.rpm suffix/);
  });
});

describe('against rpm', () => {
  let built: BuiltRpm[];
  beforeAll(async () => {
    const dir = await tempDir('ferry-nevra-');
    built = await buildRpms(
      [
        {
          name: 'ferry-nevra-with-dashes',
          epoch: 3,
          version: '1.0~rc1^git2',
          release: '0.1.el9',
          arch: 'x86_64',
        },
        {
          name: 'ferry-nevra',
          version: '2_0',
          release: '1',
          arch: 'i686',
          subpackages: [{ name: 'ferry-nevra-doc', arch: 'noarch' }],
        },
      ],
      dir,
      { srpm: true },
    );
  });

  it('reads what rpmbuild writes: file names and the NEVRA rpm reports', async () => {
    const rows = await Promise.all(
      built.map(async (rpm) => {
        const { stdout } = await exec('rpm', [
          '-qp',
          '--qf',
          '%{NAME} %{EPOCHNUM} %{VERSION} %{RELEASE} %{ARCH} %{NEVRA}',
          rpm.path,
        ]);
        const [name = '', epoch = '', version = '', release = '', arch = '', nevra = ''] = stdout.split(' ');
        // rpm reports a source package's arch as its build arch; its file name says src.
        return {
          rpm,
          fromRpm: { name, epoch: Number(epoch), version, release, arch: rpm.arch === 'src' ? 'src' : arch },
          nevra,
        };
      }),
    );

    for (const { rpm, fromRpm, nevra } of rows) {
      const fromFile = parseRpmFileName(rpm.path);
      expect({ ...fromFile, epoch: rpm.epoch }).toEqual(fromRpm);
      if (rpm.arch !== 'src') expect(formatNevra(fromRpm)).toBe(nevra);
      if (rpm.arch !== 'src') expect(parseNevra(nevra)).toEqual(fromRpm);
    }
    expect(rows).toHaveLength(5);
  });
});
