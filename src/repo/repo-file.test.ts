import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { runDnf } from '../../test/helpers/dnf.js';
import { tempDir } from '../../test/helpers/temp-dir.js';
import { parseRepoFile, renderRepoFile, writeRepoFile } from './repo-file.js';

describe('.repo files', () => {
  it('writes sections as dnf reads them (DLRN delorean.repo layout)', () => {
    const text = renderRepoFile([
      {
        id: 'delorean-component-compute',
        name: 'delorean-openstack-nova-1a2b3c4d',
        baseurl: 'https://trunk.example.org/centos9/component/compute/1a/2b/1a2b3c4d_5e6f7a8b',
        priority: 1,
      },
      {
        id: 'deps',
        baseurl: ['http://a/x', 'http://b/x'],
        enabled: false,
        gpgcheck: true,
        extra: { cost: 500 },
      },
    ]);

    expect(text).toBe(
      '[delorean-component-compute]\n' +
        'name=delorean-openstack-nova-1a2b3c4d\n' +
        'baseurl=https://trunk.example.org/centos9/component/compute/1a/2b/1a2b3c4d_5e6f7a8b\n' +
        'enabled=1\ngpgcheck=0\npriority=1\n\n' +
        '[deps]\nbaseurl=http://a/x,http://b/x\nenabled=0\ngpgcheck=1\ncost=500\n',
    );
    expect(parseRepoFile(text, 'x.repo')).toEqual([
      {
        id: 'delorean-component-compute',
        options: {
          name: 'delorean-openstack-nova-1a2b3c4d',
          baseurl: 'https://trunk.example.org/centos9/component/compute/1a/2b/1a2b3c4d_5e6f7a8b',
          enabled: '1',
          gpgcheck: '0',
          priority: '1',
        },
      },
      { id: 'deps', options: { baseurl: 'http://a/x,http://b/x', enabled: '0', gpgcheck: '1', cost: '500' } },
    ]);
  });

  it.each([
    [{ id: 'bad id' }, 'invalid repository id "bad id": use letters, digits and -_.:'],
    [{ id: 'x', name: 'two\nlines' }, '[x] name: line breaks and NUL cannot be written in a .repo value'],
    [
      { id: 'x', baseurl: ['a b'] },
      '[x] baseurl: list items must be non-empty and contain no spaces or commas',
    ],
    [{ id: 'x', extra: { 'bad-key': 1 } }, '[x] invalid option name "bad-key"'],
    [{ id: 'x', priority: Number.NaN }, '[x] priority: not a finite number'],
  ])('refuses %j', (section, message) => {
    expect(() => renderRepoFile([section])).toThrow(message);
  });

  it('names file and line of a malformed .repo file', () => {
    expect(() => parseRepoFile('[a]\nname=x\nthis is not an option\n', 'bad.repo')).toThrow(
      expect.objectContaining({ code: 'FERRY_CONFIG_INVALID', file: 'bad.repo', line: 3 }),
    );
  });

  it('is accepted by dnf', async () => {
    const dir = await tempDir('ferry-repo-file-');
    const path = join(dir, 'delorean.repo');
    await writeRepoFile(path, [
      { id: 'delorean', name: 'delorean test', baseurl: `file://${dir}/nowhere`, priority: 1 },
    ]);

    const result = await runDnf([], ['repolist', '--all'], { setopt: [`reposdir=${dir}`] });

    expect(await readFile(path, 'utf8')).toContain('[delorean]');
    expect(result.stdout).toMatch(/delorean\s+delorean test/);
  });
});
