import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import { tempDir } from '../../test/helpers/temp-dir.js';
import { sampleSpec } from '../build/index.js';
import { exec } from '../util/exec.js';
import { changelogEntriesAdded, parseChangelog } from './spec-changelog.js';
import { dependencyNames, formatDependency, parseDependencyList } from './spec-dependencies.js';
import { parseSpecText } from './spec-parser.js';
import { readSpec } from './spec-reader.js';

let dir: string;

beforeAll(async () => {
  dir = await tempDir('ferry-spec-');
});

async function specFile(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

/** rpm's own answer: `rpmspec -q --buildrequires`, one dependency per line. */
async function rpmBuildRequires(path: string, defines: readonly string[] = []): Promise<string[]> {
  const { stdout } = await exec('rpmspec', [...defines, '-q', '--buildrequires', path]);
  return stdout.trim().split('\n').sort();
}

const MACRO_SPEC = `%global pypi_name foo
%global with_docs 1
%{!?upstream_version: %global upstream_version %{version}%{?milestone}}
%define major 2

Name:           python-%{pypi_name}
Epoch:          1
Version:        %{major}.4.0
Release:        3%{?dist}
Summary:        Test
License:        MIT
Source0:        https://example.com/%{pypi_name}-%{upstream_version}.tar.gz
Source1:        extra.conf
Patch:          fix-unnumbered.patch
Patch0001:      0001-fix.patch
BuildArch:      noarch
BuildRequires:  python3-devel >= 3.6, gcc
BuildRequires:  (python3dist(bar) >= 1.0 with python3dist(bar) < 2.0)
BuildRequires:  baz = 1:2.0-3 qux
BuildRequires:  pkgconfig(glib-2.0) >= 2.5
%if 0%{?with_docs}
BuildRequires:  python3-sphinx
%else
BuildRequires:  never-seen
%endif
%if 0%{?rhel} && 0%{?rhel} < 9
BuildRequires:  old-rhel-only
%endif
%if "%{?dist}" == ".el9"
BuildRequires:  el9-only
%endif

%description
Version: this line is text, not a tag

%package -n python3-%{pypi_name}
Summary: py3
Requires: python3-bar
Provides: foo-api = %{version}
%description -n python3-%{pypi_name}
x

%package doc
Summary: docs
%description doc
docs

%prep
%autosetup -n %{pypi_name}-%{upstream_version} -p1

%files -n python3-%{pypi_name}
%files doc

%changelog
* Mon Jan 01 2024 A B <a@b.c> - 2.4.0-3
- first
  continued

* Sun Dec 31 2023 C D <c@d.e> 2.3.0-1
- older
`;

describe('readSpec', () => {
  it('reads a spec with macros and conditionals the same way with rpmspec and with the text reader', async () => {
    const path = await specFile('macros.spec', MACRO_SPEC);

    const viaRpm = await readSpec(path, { defines: { dist: '.el9' }, mode: 'rpmspec' });
    const viaText = await readSpec(path, { defines: { dist: '.el9' }, mode: 'text' });

    expect({ ...viaText, reader: 'rpmspec' }).toEqual(viaRpm);
    expect(viaRpm).toMatchObject({
      name: 'python-foo',
      epoch: 1,
      version: '2.4.0',
      release: '3.el9',
      buildArch: 'noarch',
      reader: 'rpmspec',
    });
    expect(viaRpm.sources.map((s) => [s.kind, s.number, s.value, s.line])).toEqual([
      ['source', 0, 'https://example.com/foo-2.4.0.tar.gz', 12],
      ['source', 1, 'extra.conf', 13],
      ['patch', null, 'fix-unnumbered.patch', 14],
      ['patch', 1, '0001-fix.patch', 15],
    ]);
    expect(
      viaRpm.packages.map((p) => [
        p.name,
        p.hasFiles,
        p.provides.map(formatDependency),
        p.requires.map(formatDependency),
      ]),
    ).toEqual([
      ['python-foo', false, [], []],
      ['python3-foo', true, ['foo-api = 2.4.0'], ['python3-bar']],
      ['python-foo-doc', true, [], []],
    ]);
  });

  it('finds the BuildRequires rpm finds, versioned and rich, after conditionals', async () => {
    const path = await specFile('macros.spec', MACRO_SPEC);

    const spec = await readSpec(path, { defines: { dist: '.el9' } });
    const reference = await rpmBuildRequires(path, ['--define', 'dist .el9']);

    expect(spec.buildRequires.map(formatDependency).sort()).toEqual(reference);
    expect(reference).toContain('el9-only');
    expect(reference).not.toContain('old-rhel-only');
    expect(spec.buildRequires.find((d) => d.name === 'baz')).toEqual({
      name: 'baz',
      flags: 'EQ',
      epoch: '1',
      version: '2.0',
      release: '3',
      line: 19,
    });
  });

  it('reads the changelog with dates, authors and EVRs', async () => {
    const path = await specFile('macros.spec', MACRO_SPEC);

    const { changelog } = await readSpec(path);

    expect(changelog).toEqual([
      {
        heading: 'Mon Jan 01 2024 A B <a@b.c> - 2.4.0-3',
        author: 'A B <a@b.c> - 2.4.0-3',
        evr: '2.4.0-3',
        date: Date.UTC(2024, 0, 1, 12) / 1000,
        text: '- first\n  continued',
        line: 55,
      },
      {
        heading: 'Sun Dec 31 2023 C D <c@d.e> 2.3.0-1',
        author: 'C D <c@d.e> 2.3.0-1',
        evr: '2.3.0-1',
        date: Date.UTC(2023, 11, 31, 12) / 1000,
        text: '- older',
        line: 59,
      },
    ]);
  });

  it('reads the sample packages ferry builds like rpm does', async () => {
    const text = sampleSpec({
      name: 'sample-app',
      style: 'plain',
      buildRequires: ['sample-lib-devel >= 0.1', '(sample-doc or sample-lib-doc)'],
      patches: ['0001-Add-distro-note.patch'],
    });
    const path = await specFile('sample-app.spec', text);

    const viaRpm = await readSpec(path, { defines: { dist: '.fc40' } });
    const viaText = await readSpec(path, { defines: { dist: '.fc40' }, mode: 'text' });

    expect({ ...viaText, reader: 'rpmspec' }).toEqual(viaRpm);
    expect(viaRpm.packages.map((p) => p.name)).toEqual(['sample-app', 'sample-app-devel', 'sample-app-doc']);
    expect(viaRpm.buildRequires.map(formatDependency).sort()).toEqual(await rpmBuildRequires(path));
    expect(viaRpm.buildRequires.flatMap(dependencyNames)).toEqual([
      'sample-lib-devel',
      'sample-doc',
      'sample-lib-doc',
    ]);
    expect(viaRpm.release).toBe('1.fc40');
  });

  it('reports a spec rpm refuses as FERRY_SPEC_INVALID with file, line and rpm message', async () => {
    const path = await specFile(
      'broken.spec',
      'Name: x\nVersion: 1\nRelease: 1\nSummary: s\nLicense: MIT\nFooBar: baz\n%description\nd\n',
    );

    const error = await readSpec(path).catch((e: unknown) => e);

    expect(error).toMatchObject({
      code: 'FERRY_SPEC_INVALID',
      file: path,
      line: 6,
      message: 'Unknown tag: FooBar: baz',
    });
    expect(String(error)).toBe(`${path}:6: Unknown tag: FooBar: baz`);
  });

  it('reports missing fields, unversioned operators and unclosed %if in the text reader with lines', async () => {
    const noVersion = await specFile(
      'nov.spec',
      'Name: x\nRelease: 1\nSummary: s\nLicense: MIT\n%description\nd\n',
    );
    const badDep = await specFile(
      'dep.spec',
      'Name: x\nVersion: 1\nRelease: 1\nSummary: s\nLicense: MIT\nBuildRequires: foo >=\n%description\nd\n',
    );
    const unclosed = await specFile(
      'if.spec',
      'Name: x\nVersion: 1\nRelease: 1\nSummary: s\nLicense: MIT\n%if 1\n%description\nd\n',
    );

    const errors = await Promise.all(
      [noVersion, badDep, unclosed].map((p) => readSpec(p, { mode: 'text' }).catch((e: unknown) => e)),
    );
    const rpmErrors = await Promise.all([badDep, unclosed].map((p) => readSpec(p).catch((e: unknown) => e)));

    expect(
      errors.map((e) => [(e as { code: string }).code, (e as { line?: number }).line, (e as Error).message]),
    ).toEqual([
      ['FERRY_SPEC_INVALID', undefined, 'Version field must be present in package: (main package)'],
      ['FERRY_SPEC_INVALID', 6, 'BuildRequires: version required after foo >='],
      ['FERRY_SPEC_INVALID', 6, 'unclosed %if'],
    ]);
    expect(rpmErrors.map((e) => [(e as { code: string }).code, (e as { line?: number }).line])).toEqual([
      ['FERRY_SPEC_INVALID', 6],
      ['FERRY_SPEC_INVALID', 6],
    ]);
  });

  it('gives the file line numbers although rpmspec -P output moves lines', async () => {
    const text = [
      '%global desc \\', // 1: a continued definition is one line in rpmspec's output
      '  A long \\',
      '  description',
      'Name: x',
      'Version: 1',
      'Release: 1',
      'Summary: s',
      'License: MIT',
      '%if 0',
      'BuildRequires: skipped', // 10: the first BuildRequires in the file is not the first rpm keeps
      '%else',
      'BuildRequires: kept', // 12
      '%endif',
      '%description',
      '%{desc}',
      '%prep',
      '%autosetup -c', // several lines once expanded
      '%changelog',
      '* Mon Jan 01 2024 A <a@x> - 1-1', // 19
      '- x',
    ].join('\n');
    const path = await specFile('lines.spec', `${text}\n`);

    const spec = await readSpec(path);

    expect(spec.buildRequires.map((d) => [d.name, d.line])).toEqual([['kept', 12]]);
    expect(spec.changelog.map((e) => e.line)).toEqual([19]);
    expect(spec.packages.map((p) => [p.name, p.line])).toEqual([['x', 4]]);
  });

  it('says when the spec file does not exist', async () => {
    await expect(readSpec(join(dir, 'missing.spec'))).rejects.toMatchObject({ code: 'FERRY_NOT_FOUND' });
  });
});

describe('dependency lists', () => {
  it('tokenizes as rpm does', async () => {
    const line = 'foo>=1.0 a,b , c >= 2,d = 1:2-3 (python3dist(x) >= 1 or bar) e =< 3 f => 4 /usr/bin/g';
    const path = await specFile(
      'deps.spec',
      `Name: x\nVersion: 1\nRelease: 1\nSummary: s\nLicense: MIT\nBuildRequires: ${line}\n%description\nd\n`,
    );

    const parsed = parseDependencyList(line);
    const reference = await rpmBuildRequires(path);

    expect(parsed.problems).toEqual([]);
    expect(parsed.deps.map(formatDependency).sort()).toEqual(reference);
  });

  it('names the packages a rich dependency mentions', () => {
    expect(dependencyNames({ name: '(foo >= 1.0 with foo < 2 or (bar if baz))' })).toEqual([
      'foo',
      'bar',
      'baz',
    ]);
    expect(dependencyNames({ name: '(python3dist(x) >= 1 or pkgconfig(y))' })).toEqual([
      'python3dist(x)',
      'pkgconfig(y)',
    ]);
  });
});

describe('changelog diff', () => {
  it('lists the entries a distgit change added', () => {
    const before = parseChangelog(['* Mon Jan 01 2024 A <a@x> - 1.0-1', '- one']);
    const after = parseChangelog(
      [
        '* Tue Jan 02 2024 B <b@x> - 1.1-1',
        '- two',
        '- and more',
        '',
        '* Mon Jan 01 2024 A <a@x> - 1.0-1',
        '- one',
      ],
      40,
    );

    const added = changelogEntriesAdded(before, after);

    expect(added.map((e) => [e.evr, e.text, e.line])).toEqual([['1.1-1', '- two\n- and more', 40]]);
  });

  it('keeps headings whose date rpm could not read, and reads times when given', () => {
    const entries = parseChangelog(['* Foo bar', '- x', '* Wed Mar 06 10:20:30 UTC 2024 C <c@x> 2-1', '- y']);

    expect(entries.map((e) => [e.date, e.author, e.evr])).toEqual([
      [0, 'Foo bar', undefined],
      [Date.UTC(2024, 2, 6, 10, 20, 30) / 1000, 'C <c@x> 2-1', '2-1'],
    ]);
  });
});

describe('parseSpecText', () => {
  it('keeps rpm macros it does not know as written', () => {
    const spec = parseSpecText(
      'Name: %{lua: print("x")}-%{unknown}\nVersion: 1\nRelease: 1%{?dist}\nSummary: s\nLicense: MIT\n',
      {
        file: 's',
      },
    );

    expect([spec.name, spec.release]).toEqual(['%{lua: print("x")}-%{unknown}', '1']);
  });
});
