import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

import { beforeAll, describe, expect, it } from 'vitest';

import { buildRpms } from '../../test/helpers/rpm-factory.js';
import { tempDir } from '../../test/helpers/temp-dir.js';
import { exec } from '../util/exec.js';
import {
  formatDependency,
  formatDependencyLine,
  formatDependencyTag,
  isPreRequire,
  isRequireQualifier,
  parseDependency,
  parseDependencyLine,
  parseDependencyTag,
} from './dependency-string.js';
import type { Dependency, DependencyKind } from './package.js';

describe('parseDependency', () => {
  it('reads names, file dependencies, versioned and rich dependencies', () => {
    const inputs = [
      'foo',
      '/usr/bin/sh',
      'foo >= 1:2.0-1',
      'foo = 2.0',
      'foo < 3-1.el9',
      'foo =< 1',
      'foo == 1',
      'foo => 1',
      'pkgconfig(glib-2.0) >= 2.56',
      'python3dist(foo[bar]) > 1~rc1',
      '  spaced   >=   1  ',
      'foo >= :1.0',
      '(a ,or b or c =< 2)',
    ];

    const parsed = inputs.map((text) => parseDependency(text));

    expect(parsed).toEqual([
      { name: 'foo' },
      { name: '/usr/bin/sh' },
      { name: 'foo', flags: 'GE', epoch: '1', version: '2.0', release: '1' },
      { name: 'foo', flags: 'EQ', epoch: '0', version: '2.0' },
      { name: 'foo', flags: 'LT', epoch: '0', version: '3', release: '1.el9' },
      { name: 'foo', flags: 'LE', epoch: '0', version: '1' },
      { name: 'foo', flags: 'EQ', epoch: '0', version: '1' },
      { name: 'foo', flags: 'GE', epoch: '0', version: '1' },
      { name: 'pkgconfig(glib-2.0)', flags: 'GE', epoch: '0', version: '2.56' },
      { name: 'python3dist(foo[bar])', flags: 'GT', epoch: '0', version: '1~rc1' },
      { name: 'spaced', flags: 'GE', epoch: '0', version: '1' },
      { name: 'foo', flags: 'GE', epoch: '0', version: '1.0' },
      { name: '(a or b or c <= 2)' },
    ]);
  });

  it('rejects malformed dependencies with the column of the problem', () => {
    const bad: readonly (readonly [string, DependencyKind | undefined])[] = [
      ['', undefined],
      ['foo >=', undefined],
      ['foo ~> 1', undefined],
      ['foo >= 1 bar', undefined],
      ['foo >= x:1', undefined],
      ['foo >= 1:', undefined],
      ['(a or b)', 'provides'],
      ['(a unless b)', 'requires'],
      ['(a or', undefined],
    ];

    const errors = bad.map(([text, kind]) => {
      try {
        parseDependency(text, kind);
        return undefined;
      } catch (error) {
        const e = error as { code: string; column?: number; message: string };
        return `${e.code}@${e.column ?? '-'} ${e.message}`;
      }
    });

    expect(errors).toEqual([
      'FERRY_DEPENDENCY_INVALID@- invalid dependency "": empty dependency',
      'FERRY_DEPENDENCY_INVALID@5 invalid dependency "foo >=": version required after \'>=\' (column 5)',
      'FERRY_DEPENDENCY_INVALID@5 invalid dependency "foo ~> 1": expected a comparison (<, <=, =, >=, >) after the name, found "~>" (column 5)',
      'FERRY_DEPENDENCY_INVALID@10 invalid dependency "foo >= 1 bar": unexpected text after the version: "bar" (one dependency expected) (column 10)',
      'FERRY_DEPENDENCY_INVALID@8 invalid dependency "foo >= x:1": epoch "x" of "x:1" is not a number (column 8)',
      'FERRY_DEPENDENCY_INVALID@8 invalid dependency "foo >= 1:": incomplete version "1:" (column 8)',
      'FERRY_DEPENDENCY_INVALID@1 invalid rich dependency "(a or b)": provides cannot be rich dependencies (column 1)',
      expect.stringMatching(
        /^FERRY_DEPENDENCY_INVALID@1 invalid rich dependency "\(a unless b\)": 'unless' is not allowed here/,
      ),
      'FERRY_DEPENDENCY_INVALID@1 invalid rich dependency "(a or": unbalanced parentheses: missing \')\' (column 1)',
    ]);
  });
});

describe('dependency tags and lines', () => {
  it('reads Requires qualifiers and marks pre like createrepo_c', () => {
    const tags = [
      'Requires',
      'requires(pre, post)',
      'Requires(preun)',
      'Requires(pretrans)',
      'Conflicts',
      'OBSOLETES',
    ];

    const parsed = tags.map(parseDependencyTag);

    expect(parsed).toEqual([
      { kind: 'requires', qualifiers: [] },
      { kind: 'requires', qualifiers: ['pre', 'post'] },
      { kind: 'requires', qualifiers: ['preun'] },
      { kind: 'requires', qualifiers: ['pretrans'] },
      { kind: 'conflicts', qualifiers: [] },
      { kind: 'obsoletes', qualifiers: [] },
    ]);
    expect(parsed.map((tag) => isPreRequire(tag.qualifiers))).toEqual([
      false,
      true,
      false,
      true,
      false,
      false,
    ]);
    expect(parsed.map(formatDependencyTag)).toEqual([
      'Requires',
      'Requires(pre,post)',
      'Requires(preun)',
      'Requires(pretrans)',
      'Conflicts',
      'Obsoletes',
    ]);
    expect(() => parseDependencyTag('Requires(later)')).toThrow(/unknown qualifier "later"/);
    expect(() => parseDependencyTag('Provides(pre)')).toThrow(/only Requires takes qualifiers/);
    expect(() => parseDependencyTag('Wants')).toThrow(/unknown dependency tag "Wants"/);
  });

  it('parses and writes one-dependency spec lines', () => {
    const line = parseDependencyLine('Requires(post): foo >= 1:2-3');

    expect(line).toEqual({
      kind: 'requires',
      qualifiers: ['post'],
      dependency: { name: 'foo', flags: 'GE', epoch: '1', version: '2', release: '3', pre: true },
    });
    expect(formatDependencyLine('requires', line.dependency)).toBe('Requires(pre): foo >= 1:2-3');
    expect(formatDependencyLine('requires', line.dependency, ['post'])).toBe('Requires(post): foo >= 1:2-3');
    expect(formatDependencyLine('provides', { name: 'bar', flags: 'EQ', epoch: '0', version: '1' })).toBe(
      'Provides: bar = 1',
    );
  });
});

const KINDS = [
  'requires',
  'provides',
  'conflicts',
  'obsoletes',
  'recommends',
  'suggests',
  'supplements',
  'enhances',
] as const;

/** The dependency entries of one package in createrepo_c's primary.xml, as the Dependency model. */
function primaryEntries(xml: string, packageName: string): Record<string, Dependency[]> {
  const start = xml.indexOf(`<name>${packageName}</name>`);
  const end = xml.indexOf('</package>', start);
  const block = xml.slice(start, end);
  const unescape = (s: string): string =>
    s.replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&quot;', '"').replaceAll('&amp;', '&');
  const result: Record<string, Dependency[]> = {};
  for (const kind of KINDS) {
    const section = new RegExp(`<rpm:${kind}>([\\s\\S]*?)</rpm:${kind}>`).exec(block)?.[1] ?? '';
    result[kind] = [...section.matchAll(/<rpm:entry ([^>]*?)\/>/g)].map((m) => {
      const attrs = Object.fromEntries(
        [...m[1]!.matchAll(/(\w+)="([^"]*)"/g)].map((a) => [a[1]!, unescape(a[2]!)]),
      );
      const dep: Record<string, unknown> = { name: attrs.name };
      if (attrs.flags !== undefined) dep.flags = attrs.flags;
      if (attrs.epoch !== undefined) dep.epoch = attrs.epoch;
      if (attrs.ver !== undefined) dep.version = attrs.ver;
      if (attrs.rel !== undefined) dep.release = attrs.rel;
      if (attrs.pre === '1') dep.pre = true;
      return dep as unknown as Dependency;
    });
  }
  return result;
}

describe('against rpm, createrepo_c and dnf', () => {
  let dir: string;
  let rpmLines: Record<string, string[]>;
  let requireTypes: Map<string, string>;
  let primary: Record<string, Dependency[]>;
  let dnfLines: Record<string, string[]>;
  let transactionScripts: boolean;

  beforeAll(async () => {
    dir = await tempDir('ferry-depstring-');
    const repo = join(dir, 'repo');
    await mkdir(repo);
    const [pkg] = await buildRpms(
      [
        {
          name: 'ferry-deps',
          version: '1',
          release: '1',
          requires: [
            'plain',
            'ver-ge >= 1.0',
            'ver-epoch = 2:1.0-3',
            'ver-zero-epoch >= 0:1.5',
            'ver-lt < 3',
            'ver-le <= 3-1',
            'ver-gt > 0.1~rc1',
            'ver-caret >= 1.0^git1-1.el9',
            'alt-le =< 2',
            'alt-eq == 1',
            '/usr/bin/sh',
            'pkgconfig(glib-2.0) >= 2.56',
            'python3dist(foo[bar]) >= 1',
            '(rich-a or rich-b >= 1:2)',
            '(rich-c if rich-d else rich-e)',
          ],
          requiresPre: ['pre-dep'],
          requiresPost: ['post-dep >= 1'],
          requiresPreun: ['preun-dep'],
          requiresPretrans: ['pretrans-dep'],
          requiresQualified: [{ qualifiers: ['postun', 'posttrans'], dep: 'late-dep' }],
          provides: ['prov-a = 1.0', 'prov-b', 'prov-c = 3:4-5'],
          conflicts: ['conf-a < 2', '(conf-x unless conf-y)'],
          obsoletes: ['obs-a < 1.0-1'],
          recommends: ['rec >= 1'],
          suggests: ['sug'],
          supplements: ['(sup and other)'],
          enhances: ['enh'],
        },
      ],
      repo,
    );
    const path = pkg!.path;

    rpmLines = {};
    for (const kind of KINDS) {
      const { stdout } = await exec('rpm', ['-qp', `--${kind}`, path]);
      rpmLines[kind] = stdout
        .trimEnd()
        .split('\n')
        .filter((l) => l !== '' && !l.startsWith('rpmlib('));
    }
    const types = await exec('rpm', ['-qp', '--qf', '[%{REQUIRENAME}\t%{REQUIREFLAGS:deptype}\n]', path]);
    requireTypes = new Map(
      types.stdout
        .trimEnd()
        .split('\n')
        .map((l) => l.split('\t') as [string, string]),
    );

    await exec('createrepo_c', ['-q', '--no-database', repo]);
    // createrepo_c marks pretrans/posttrans requires pre="1" since 1.1.1.
    const version = /Version: (\d+)\.(\d+)\.(\d+)/.exec((await exec('createrepo_c', ['--version'])).stdout);
    const [major, minor, patch] = (version ?? []).slice(1).map(Number) as [number, number, number];
    transactionScripts = major > 1 || (major === 1 && (minor > 1 || (minor === 1 && patch >= 1)));
    const primaryFile = (await readdir(join(repo, 'repodata'))).find((f) => f.endsWith('primary.xml.gz'))!;
    primary = primaryEntries(
      gunzipSync(await readFile(join(repo, 'repodata', primaryFile))).toString('utf8'),
      'ferry-deps',
    );

    const fields = KINDS.map((kind) => `=${kind}=\n%{${kind}}`).join('\n');
    const { stdout } = await exec('dnf', [
      'repoquery',
      '-q',
      `--repofrompath=ferry,${repo}`,
      '--repo=ferry',
      '--releasever=1',
      `--setopt=cachedir=${join(dir, 'dnf-cache')}`,
      '--qf',
      fields,
      'ferry-deps',
    ]);
    dnfLines = {};
    let current = '';
    for (const line of stdout.split('\n')) {
      const header = /^=(\w+)=$/.exec(line);
      if (header) current = header[1]!;
      else if (line !== '') (dnfLines[current] ??= []).push(line);
    }
  });

  it('parses every line rpm prints into what createrepo_c writes to primary.xml', () => {
    for (const kind of ['requires', 'provides', 'conflicts', 'obsoletes'] as const) {
      const ours = rpmLines[kind]!.map((line) => {
        const dep = parseDependency(line, kind);
        const qualifiers = (requireTypes.get(line.split(' ')[0]!) ?? '')
          .split(',')
          .filter(isRequireQualifier);
        const pre = kind === 'requires' && isPreRequire(qualifiers, { transactionScripts });
        return pre ? { ...dep, pre: true } : dep;
      });

      // createrepo_c drops requires a package satisfies itself (none here) and may reorder: compare as sets.
      const key = (d: Dependency): string => JSON.stringify(d, Object.keys(d).sort());
      expect(ours.map(key).sort()).toEqual(primary[kind]!.map(key).sort());
    }
    for (const kind of ['recommends', 'suggests', 'supplements', 'enhances'] as const) {
      const key = (d: Dependency): string => JSON.stringify(d, Object.keys(d).sort());
      expect(rpmLines[kind]!.map((l) => key(parseDependency(l, kind))).sort()).toEqual(
        primary[kind]!.map(key).sort(),
      );
    }
  });

  it('formats dependencies exactly as dnf repoquery prints them', () => {
    for (const kind of KINDS) {
      const ours = rpmLines[kind]!.map((line) => formatDependency(parseDependency(line, kind)));

      expect(ours.sort()).toEqual([...(dnfLines[kind] ?? [])].sort());
    }
    expect(dnfLines.requires).toContain('ver-zero-epoch >= 1.5');
    expect(rpmLines.requires).toContain('ver-zero-epoch >= 0:1.5');
  });

  it('formats what it parsed back to the text rpm prints (keeping written 0 epochs)', () => {
    const all = KINDS.flatMap((kind) => rpmLines[kind]!.map((line) => [kind, line] as const));

    const formatted = all.map(([kind, line]) =>
      formatDependency(parseDependency(line, kind), { keepZeroEpoch: line.includes(' 0:') }),
    );

    // rpm keeps an absent epoch absent; the model stores "0", so only lines without a written 0: compare directly.
    expect(formatted).toEqual(all.map(([, line]) => line));
  });
});
