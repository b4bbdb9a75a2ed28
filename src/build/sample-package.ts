import { join } from 'node:path';

import { assertSafeName } from '../util/names.js';
import { commitFiles, initRepository } from '../vcs/index.js';

/**
 * Sample packages made of real git repositories: an upstream project and a
 * distgit whose spec uses what real distribution specs use (`%{?dist}`,
 * `%{upstream_version}`, a patch applied by `%autosetup`, subpackages,
 * BuildRequires, a changelog). `ferry demo` builds a catalog of these, and
 * the tests use them; nothing here needs network or a chroot: the packages
 * are noarch and build with plain rpmbuild.
 */

export const SAMPLE_STYLES = ['pbr', 'plain'] as const;
/** `pbr`: a Python project versioned by pbr (setup.cfg, setup.py); `plain`: versioned by git tags. */
export type SampleStyle = (typeof SAMPLE_STYLES)[number];

export interface SampleSpecOptions {
  /** The package (and spec) name. */
  readonly name: string;
  readonly style: SampleStyle;
  /** Lines for BuildRequires, e.g. `['sample-lib-devel >= 0.1']`. */
  readonly buildRequires?: readonly string[];
  /** Patch file names applied by `%autosetup -p1` (see samplePatch). */
  readonly patches?: readonly string[];
  /** Changelog entries, newest first: `[date seconds, author, evr, text]`. */
  readonly changelog?: readonly (readonly [number, string, string, string])[];
}

/** The Python project name of a pbr sample (`python-foo` → `foo`). */
export function samplePythonName(name: string): string {
  return name.replace(/^python-/, '');
}

function changelogDate(seconds: number): string {
  const d = new Date(seconds * 1000);
  const day = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][d.getUTCDay()];
  const month = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][
    d.getUTCMonth()
  ];
  return `${day} ${month} ${String(d.getUTCDate()).padStart(2, '0')} ${d.getUTCFullYear()}`;
}

/**
 * A spec for a sample package. It builds three binary packages: the main
 * one, `<name>-devel` (a header other samples can BuildRequire) and
 * `<name>-doc`; its `%build` runs the upstream's `build.sh`, so an upstream
 * commit can break (and fix) the build.
 */
export function sampleSpec(options: SampleSpecOptions): string {
  const name = assertSafeName(options.name, 'package name');
  const tarName = options.style === 'pbr' ? samplePythonName(name) : name;
  const patches = options.patches ?? [];
  const changelog = options.changelog ?? [
    [1_700_000_000, 'Ferry Demo <demo@ferry.invalid>', '0.0.1-1', 'Initial package'],
  ];
  return [
    options.style === 'pbr' ? `%global pypi_name ${tarName}` : `%global srcname ${tarName}`,
    '%{!?upstream_version: %global upstream_version %{version}%{?milestone}}',
    '',
    `Name:           ${name}`,
    'Version:        0.0.1',
    'Release:        1%{?dist}',
    `Summary:        Sample package ${name}`,
    'License:        ASL 2.0',
    `URL:            https://example.invalid/${name}`,
    `Source0:        https://example.invalid/${tarName}/${tarName}-%{upstream_version}.tar.gz`,
    ...patches.map((p, i) => `Patch${String(i + 1).padStart(4, '0')}:      ${p}`),
    'BuildArch:      noarch',
    ...(options.buildRequires ?? []).map((r) => `BuildRequires:  ${r}`),
    '',
    '%description',
    `${name} is a sample package built by ferry.`,
    '',
    '%package devel',
    `Summary:        Header of ${name}`,
    'Requires:       %{name} = %{version}-%{release}',
    '',
    '%description devel',
    `Header file of ${name}.`,
    '',
    '%package doc',
    `Summary:        Documentation of ${name}`,
    '',
    '%description doc',
    `Documentation of ${name}.`,
    '',
    '%prep',
    `%autosetup -n ${tarName}-%{upstream_version} -p1`,
    '',
    '%build',
    'sh ./build.sh',
    '',
    '%install',
    `mkdir -p %{buildroot}%{_datadir}/${name} %{buildroot}%{_includedir}`,
    `install -p -m 0644 output.txt %{buildroot}%{_datadir}/${name}/output.txt`,
    ...(patches.length > 0
      ? [`install -p -m 0644 DISTRO-NOTE %{buildroot}%{_datadir}/${name}/DISTRO-NOTE`]
      : []),
    `install -p -m 0644 include/${tarName}.h %{buildroot}%{_includedir}/${tarName}.h`,
    `install -p -m 0644 README.md %{buildroot}%{_datadir}/${name}/README.md`,
    '',
    '%files',
    `%dir %{_datadir}/${name}`,
    `%{_datadir}/${name}/output.txt`,
    ...(patches.length > 0 ? [`%{_datadir}/${name}/DISTRO-NOTE`] : []),
    '',
    '%files devel',
    `%{_includedir}/${tarName}.h`,
    '',
    '%files doc',
    `%{_datadir}/${name}/README.md`,
    '',
    '%changelog',
    ...changelog.flatMap(([date, author, evr, text], i) => [
      ...(i > 0 ? [''] : []),
      `* ${changelogDate(date)} ${author} - ${evr}`,
      ...text.split('\n').map((l) => (l.startsWith('-') ? l : `- ${l}`)),
    ]),
    '',
  ].join('\n');
}

/** A patch that adds `DISTRO-NOTE` (it applies to every upstream commit, as distribution patches should). */
export function samplePatch(note = 'Patched by the distribution.'): string {
  return [
    'From: Ferry Demo <demo@ferry.invalid>',
    'Subject: [PATCH] Add distro note',
    '',
    '---',
    'diff --git a/DISTRO-NOTE b/DISTRO-NOTE',
    'new file mode 100644',
    '--- /dev/null',
    '+++ b/DISTRO-NOTE',
    '@@ -0,0 +1 @@',
    `+${note}`,
    '',
  ].join('\n');
}

/** The files of a sample upstream project at its first commit. */
export function sampleUpstreamFiles(name: string, style: SampleStyle): Record<string, string> {
  const tarName = style === 'pbr' ? samplePythonName(name) : name;
  const files: Record<string, string> = {
    'README.md': `# ${tarName}\n\nA sample project.\n`,
    'build.sh': `#!/bin/sh\nset -e\necho "${tarName} built" > output.txt\n`,
    [`include/${tarName}.h`]: `#define ${tarName.replace(/[^A-Za-z0-9]/g, '_').toUpperCase()}_VERSION 1\n`,
  };
  if (style === 'pbr') {
    files['setup.cfg'] =
      `[metadata]\nname = ${tarName}\nsummary = Sample project\n\n[files]\npackages =\n    ${tarName.replace(/[^A-Za-z0-9]/g, '_')}\n`;
    files['setup.py'] = 'import setuptools\n\nsetuptools.setup(setup_requires=["pbr"], pbr=True)\n';
    files[`${tarName.replace(/[^A-Za-z0-9]/g, '_')}/__init__.py`] = '';
  }
  return files;
}

/** A `build.sh` that fails (for an upstream commit that breaks the build) or works again. */
export function sampleBuildScript(name: string, fails: boolean): string {
  return fails
    ? '#!/bin/sh\necho "error: this commit breaks the build" >&2\nexit 1\n'
    : `#!/bin/sh\nset -e\necho "${name} built" > output.txt\n`;
}

export interface SampleRepositories {
  readonly upstream: string;
  readonly distgit: string;
  /** Hash of the upstream's first commit and of the distgit's first commit. */
  readonly upstreamCommit: string;
  readonly distgitCommit: string;
}

/**
 * Creates `<dir>/<name>/upstream` and `<dir>/<name>/distgit` (work-tree
 * repositories on `master`), each with one commit, at `date`.
 */
export async function createSampleRepositories(
  dir: string,
  options: SampleSpecOptions & { readonly date?: number },
): Promise<SampleRepositories> {
  const root = join(dir, assertSafeName(options.name, 'package name'));
  const upstream = join(root, 'upstream');
  const distgit = join(root, 'distgit');
  const date = options.date ?? 1_700_000_000;
  await Promise.all([initRepository(upstream), initRepository(distgit)]);
  const patches = options.patches ?? ['0001-Add-distro-note.patch'];
  const [upstreamCommit, distgitCommit] = await Promise.all([
    commitFiles(upstream, {
      files: sampleUpstreamFiles(options.name, options.style),
      message: 'Initial import',
      date,
      executable: ['build.sh'],
    }),
    commitFiles(distgit, {
      files: {
        [`${options.name}.spec`]: sampleSpec({ ...options, patches }),
        ...Object.fromEntries(patches.map((p) => [p, samplePatch()])),
      },
      message: `Initial packaging of ${options.name}`,
      date,
    }),
  ]);
  return { upstream, distgit, upstreamCommit, distgitCommit };
}
