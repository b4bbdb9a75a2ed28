import { describe, expect, it } from 'vitest';

import { parseRepoFile } from '../repo/repo-file.js';
import { locateBaseurl, repoFileSpecs, type RepoFileContext } from './repo-file-specs.js';

const MIRROR = { baseurl: 'http://localhost:8080/repos', dir: '/srv/ferry/repos' };
const context: RepoFileContext = { file: 'x.repo', arch: 'i686', env: {}, mirrors: [MIRROR] };

function specs(text: string, extra: Partial<RepoFileContext> = {}) {
  return repoFileSpecs(parseRepoFile(text, 'x.repo'), { ...context, ...extra }).map((s) => ({
    id: s.id,
    location: s.location,
  }));
}

describe('repoFileSpecs', () => {
  it('makes one repository per enabled section, named by its id, reading the first baseurl', () => {
    const text = [
      '[delorean-component-base]',
      'name=base',
      'baseurl=http://localhost:8080/repos/component/base/ab/cd/abcd_12345678',
      'enabled=1',
      '',
      '[off]',
      'baseurl=http://nowhere.invalid/',
      'enabled=0',
      '',
      '[os]',
      'baseurl=https://mirror.example.org/os/$basearch/ ${arch},file:///srv/other',
      '  http://second.example.org/',
      '',
      '[local]',
      'baseurl=file:///srv/local%20repo',
      'enabled=False',
      '',
      '[plain]',
      'baseurl=/srv/plain',
      'enabled=yes',
    ].join('\n');

    expect(specs(text)).toEqual([
      {
        id: 'delorean-component-base',
        location: { kind: 'local', path: '/srv/ferry/repos/component/base/ab/cd/abcd_12345678' },
      },
      { id: 'os', location: { kind: 'http', url: 'https://mirror.example.org/os/i386/' } },
      { id: 'plain', location: { kind: 'local', path: '/srv/plain' } },
    ]);
  });

  it('substitutes DNF_VAR_ variables and refuses unknown ones', () => {
    const text = '[r]\nbaseurl=https://mirror.example.org/$releasever/${DNF0}/\n';

    expect(specs(text, { env: { DNF_VAR_releasever: '9', DNF0: 'x' } })[0]!.location).toEqual({
      kind: 'http',
      url: 'https://mirror.example.org/9/x/',
    });
    expect(errorOf(() => specs(text))).toBe(
      'x.repo: [r] baseurl: unknown variable $releasever: ferry substitutes $arch and $basearch; set DNF_VAR_releasever for others',
    );
  });

  it('refuses sections it cannot read as dnf would, with the file and section', () => {
    const cases = [
      '[a]\nbaseurl=/srv/a\nexcludepkgs=foo*\n',
      '[a]\nmetalink=https://mirrors.example.org/metalink?repo=a\n',
      '[a]\nname=nothing\n',
      '[a]\nbaseurl=ftp://example.org/a\n',
      '[a]\nbaseurl=/srv/a\nenabled=maybe\n',
      '[a]\nbaseurl=/srv/a\nenabled=0\n',
      '',
    ];

    expect(cases.map((text) => errorOf(() => specs(text)))).toEqual([
      'x.repo: [a] excludepkgs: package filters are not supported; remove it to check the whole repository',
      'x.repo: [a] metalink is not read: give the repository a baseurl',
      'x.repo: [a] no baseurl',
      'x.repo: [a] baseurl ftp://example.org/a: use an absolute path, a file://, http:// or https:// URL',
      'x.repo: [a] enabled: not a boolean: "maybe"',
      'x.repo: no enabled repository (every section has enabled=0, or there is none)',
      'x.repo: no enabled repository (every section has enabled=0, or there is none)',
    ]);
  });
});

function errorOf(run: () => unknown): string {
  try {
    run();
    return 'no error';
  } catch (error) {
    return String(error).replace(/^FerryError: /, '');
  }
}

describe('locateBaseurl', () => {
  it("maps URLs under a mirror's base URL to its directory, and nothing that leaves it", () => {
    const at = (url: string) => locateBaseurl(url, [MIRROR]);

    expect([
      at('http://localhost:8080/repos/current'),
      at('http://LOCALHOST:8080/repos/component/a%20b/x/'),
      at('http://localhost:8080/repos'),
      at('http://localhost:8080/repository/x'),
      at('http://localhost:8081/repos/x'),
      at('https://localhost:8080/repos/x'),
      at('http://localhost:8080/repos/a/%2e%2e/%2e%2e/etc'),
      at('http://localhost:8080/repos/a%2F..%2F..%2Fetc'),
    ]).toEqual([
      { kind: 'local', path: '/srv/ferry/repos/current' },
      { kind: 'local', path: '/srv/ferry/repos/component/a b/x' },
      { kind: 'local', path: '/srv/ferry/repos' },
      { kind: 'http', url: 'http://localhost:8080/repository/x/' },
      { kind: 'http', url: 'http://localhost:8081/repos/x/' },
      { kind: 'http', url: 'https://localhost:8080/repos/x/' },
      { kind: 'http', url: 'http://localhost:8080/repos/a/%2e%2e/%2e%2e/etc/' },
      { kind: 'http', url: 'http://localhost:8080/repos/a%2F..%2F..%2Fetc/' },
    ]);
  });

  it('maps a file:// base URL (the demo workspace writes one) the same way', () => {
    const mirror = { baseurl: 'file:///old/place/repos', dir: '/new/place/repos' };

    expect(locateBaseurl('file:///old/place/repos/component/x/current', [mirror])).toEqual({
      kind: 'local',
      path: '/new/place/repos/component/x/current',
    });
  });
});
