/**
 * Spec text for the fixture factory (rpm-factory.ts): the declarative
 * FixtureSpec types and their rendering to a spec file plus Source files.
 * File contents travel as Source files, byte for byte; free text is
 * macro-escaped; dependency entries are written verbatim.
 */
import { createCipheriv, createHash } from 'node:crypto';

import { FerryError } from '../../src/errors.js';
import { assertSafeName } from '../../src/util/names.js';

export const REQUIRE_QUALIFIERS = ['pre', 'post', 'preun', 'postun', 'pretrans', 'posttrans'] as const;
/** A `Requires(...)` qualifier. */
export type RequireQualifier = (typeof REQUIRE_QUALIFIERS)[number];

export const SCRIPTLET_KINDS = ['pre', 'post', 'preun', 'postun', 'pretrans', 'posttrans'] as const;
export type ScriptletKind = (typeof SCRIPTLET_KINDS)[number];

/**
 * Dependencies of one binary package. Each entry is spec text after the tag,
 * written verbatim (macros such as `%{version}` are expanded by rpmbuild):
 * `'foo'`, `'foo >= 1:2.0-1'`, `'/usr/bin/sh'`, `'(a if b else c)'`.
 */
export interface FixtureDependencies {
  readonly requires?: readonly string[];
  readonly requiresPre?: readonly string[];
  readonly requiresPost?: readonly string[];
  readonly requiresPreun?: readonly string[];
  readonly requiresPostun?: readonly string[];
  readonly requiresPretrans?: readonly string[];
  readonly requiresPosttrans?: readonly string[];
  /** `Requires(pre,post): dep` and other combinations. */
  readonly requiresQualified?: readonly {
    readonly qualifiers: readonly RequireQualifier[];
    readonly dep: string;
  }[];
  readonly provides?: readonly string[];
  readonly conflicts?: readonly string[];
  readonly obsoletes?: readonly string[];
  readonly recommends?: readonly string[];
  readonly suggests?: readonly string[];
  readonly supplements?: readonly string[];
  readonly enhances?: readonly string[];
}

/**
 * One entry of a package's file list. `path` is absolute. Kinds:
 * - `file` (default): regular file holding `content` (text, default a line
 *   naming the file) or `sizeKiB` KiB of incompressible bytes;
 * - `dir`: an owned directory (`%dir`);
 * - `ghost`: a `%ghost` file (listed, not shipped);
 * - `symlink`: a symbolic link to `target`.
 */
export interface FixtureFile {
  readonly path: string;
  readonly kind?: 'file' | 'dir' | 'ghost' | 'symlink';
  readonly content?: string;
  readonly sizeKiB?: number;
  readonly target?: string;
  /** Octal mode, e.g. `'0755'`. Default 0755 for files under a bin/ directory, 0644 otherwise (0755 for dirs). */
  readonly mode?: string;
  /** `%config` (true) or `%config(noreplace)`. */
  readonly config?: boolean | 'noreplace';
  readonly doc?: boolean;
  readonly license?: boolean;
}

/** A changelog entry; `date` is seconds since the epoch (rpm keeps the day, at 12:00 UTC). */
export interface FixtureChangelogEntry {
  readonly date: number;
  readonly author: string;
  /** Text lines; each becomes a `- ` bullet unless it already starts with `-`. */
  readonly text: string;
  /** Trailing EVR on the heading line, e.g. `1.0-1`. */
  readonly evr?: string;
}

/** Fields a binary package (main or sub) may carry. */
export interface FixturePackageFields extends FixtureDependencies {
  readonly summary?: string;
  readonly description?: string;
  readonly group?: string;
  /** `noarch` inside an arch-specific source package (a noarch subpackage); main package: see FixtureSpec.arch. */
  readonly arch?: string;
  readonly files?: readonly FixtureFile[];
  readonly scriptlets?: Partial<Record<ScriptletKind, string>>;
}

/** A subpackage, named in full (`%package -n NAME`). */
export interface FixtureSubpackage extends FixturePackageFields {
  readonly name: string;
  /** Own license line (default: the main package's). */
  readonly license?: string;
}

/** One source package: a spec file and the binary packages it builds. */
export interface FixtureSpec extends FixturePackageFields {
  readonly name: string;
  readonly version: string;
  readonly release: string;
  readonly epoch?: number;
  /** Target architecture of the build (`noarch` default; `x86_64`, `i686`, `aarch64`, ... via `--target`). */
  readonly arch?: string;
  readonly license?: string;
  readonly url?: string;
  readonly vendor?: string;
  readonly packager?: string;
  readonly buildRequires?: readonly string[];
  readonly changelog?: readonly FixtureChangelogEntry[];
  readonly subpackages?: readonly FixtureSubpackage[];
  /** Set false to build only the subpackages (no `%files` for the main package). */
  readonly buildMainPackage?: boolean;
  /** Raw lines added to the preamble (`%global`, extra tags). */
  readonly preamble?: readonly string[];
}

export const DEFAULT_SOURCE_DATE_EPOCH = 1_700_000_000;

/** A Source file the spec installs from. */
export interface PreparedSource {
  readonly fileName: string;
  readonly data: Buffer;
}

export interface GeneratedSpec {
  readonly text: string;
  readonly sources: readonly PreparedSource[];
}

/** The spec file text rpmbuild receives for `spec` (its Source files are written beside it by buildRpms). */
export function writeFixtureSpec(spec: FixtureSpec): string {
  return generateSpec(spec).text;
}

// ---------------------------------------------------------------- spec text

/** `%` starts a macro in every part of a spec; free text is escaped so it reaches the header verbatim. */
function escapeMacros(text: string): string {
  return text.replaceAll('%', '%%');
}

function oneLine(value: string, field: string, owner: string): string {
  if (/[\r\n]/.test(value)) {
    throw new FerryError('FERRY_USAGE', `fixture ${owner}: ${field} must be a single line`);
  }
  return value;
}

/** A one-line free-text tag value, macro-escaped. */
function text(value: string, field: string, owner: string): string {
  return escapeMacros(oneLine(value, field, owner));
}

export function generateSpec(spec: FixtureSpec): GeneratedSpec {
  assertSafeName(spec.name, 'fixture package name');
  const names = new Set<string>([spec.name]);
  for (const sub of spec.subpackages ?? []) {
    assertSafeName(sub.name, 'fixture subpackage name');
    if (names.has(sub.name)) {
      throw new FerryError('FERRY_USAGE', `fixture ${spec.name}: package ${sub.name} is defined twice`);
    }
    names.add(sub.name);
  }
  for (const [field, value] of [
    ['version', spec.version],
    ['release', spec.release],
  ] as const) {
    if (!/^[A-Za-z0-9._+~^]+$/.test(value)) {
      throw new FerryError('FERRY_USAGE', `fixture ${spec.name}: invalid ${field} ${JSON.stringify(value)}`);
    }
  }

  const packages: { readonly name: string; readonly fields: FixturePackageFields; readonly main: boolean }[] =
    [];
  if (spec.buildMainPackage !== false) packages.push({ name: spec.name, fields: spec, main: true });
  else if ((spec.files?.length ?? 0) > 0 || spec.scriptlets !== undefined) {
    throw new FerryError(
      'FERRY_USAGE',
      `fixture ${spec.name}: files or scriptlets given but buildMainPackage is false`,
    );
  }
  for (const sub of spec.subpackages ?? []) packages.push({ name: sub.name, fields: sub, main: false });

  // File contents travel as Source files so they reach the package byte for byte (no macro or shell expansion).
  const sources: PreparedSource[] = [];
  const install: string[] = [];
  const filesSections: string[] = [];
  for (const pkg of packages) {
    const section = [pkg.main ? '%files' : `%files -n ${pkg.name}`, '%defattr(-,root,root,-)'];
    for (const file of pkg.fields.files ?? []) {
      section.push(fileLine(file, pkg.name));
      install.push(...installLines(file, pkg.name, spec.name, sources));
    }
    filesSections.push(section.join('\n'));
  }

  const lines: string[] = ['# generated by test/helpers/rpm-factory.ts', `Name: ${spec.name}`];
  if (spec.epoch !== undefined) lines.push(`Epoch: ${spec.epoch}`);
  lines.push(`Version: ${spec.version}`, `Release: ${spec.release}`);
  lines.push(`Summary: ${text(spec.summary ?? `${spec.name} test fixture`, 'summary', spec.name)}`);
  lines.push(`License: ${text(spec.license ?? 'MIT', 'license', spec.name)}`);
  if (spec.url !== undefined) lines.push(`URL: ${text(spec.url, 'url', spec.name)}`);
  if (spec.group !== undefined) lines.push(`Group: ${text(spec.group, 'group', spec.name)}`);
  if (spec.vendor !== undefined) lines.push(`Vendor: ${text(spec.vendor, 'vendor', spec.name)}`);
  if (spec.packager !== undefined) lines.push(`Packager: ${text(spec.packager, 'packager', spec.name)}`);
  sources.forEach((source, index) => lines.push(`Source${index}: ${source.fileName}`));
  if ((spec.arch ?? 'noarch') === 'noarch') lines.push('BuildArch: noarch');
  // Fixtures state every dependency explicitly; automatic ones would vary with the host's rpm.
  lines.push('AutoReqProv: no');
  for (const dep of spec.buildRequires ?? [])
    lines.push(`BuildRequires: ${oneLine(dep, 'buildRequires', spec.name)}`);
  lines.push(...(spec.preamble ?? []));
  lines.push(...dependencyLines(spec, spec.name));
  lines.push(
    '',
    '%description',
    escapeMacros(spec.description ?? `${spec.name} is a ferry test fixture.`),
    '',
  );

  for (const sub of spec.subpackages ?? []) {
    lines.push(`%package -n ${sub.name}`);
    lines.push(`Summary: ${text(sub.summary ?? `${sub.name} test fixture`, 'summary', sub.name)}`);
    if (sub.license !== undefined) lines.push(`License: ${text(sub.license, 'license', sub.name)}`);
    if (sub.group !== undefined) lines.push(`Group: ${text(sub.group, 'group', sub.name)}`);
    if (sub.arch !== undefined) lines.push(`BuildArch: ${oneLine(sub.arch, 'arch', sub.name)}`);
    lines.push('AutoReqProv: no');
    lines.push(...dependencyLines(sub, sub.name));
    lines.push(
      '',
      `%description -n ${sub.name}`,
      escapeMacros(sub.description ?? `${sub.name} is a ferry test fixture.`),
      '',
    );
  }

  // Shell variables, not %{buildroot}/%{SOURCEn}: a source rpm stores the macro-expanded
  // %install text, and temporary paths in it would make every build differ.
  lines.push('%prep', '', '%build', '', '%install', 'mkdir -p "$RPM_BUILD_ROOT"', ...install, '');
  for (const pkg of packages) {
    for (const kind of SCRIPTLET_KINDS) {
      const body = pkg.fields.scriptlets?.[kind];
      if (body === undefined) continue;
      lines.push(pkg.main ? `%${kind}` : `%${kind} -n ${pkg.name}`, escapeMacros(body.trimEnd()), '');
    }
  }
  lines.push(...filesSections.flatMap((section) => [section, '']));
  if ((spec.changelog?.length ?? 0) > 0) {
    lines.push('%changelog');
    for (const entry of spec.changelog ?? []) lines.push(...changelogLines(entry, spec.name), '');
  }
  return { text: `${lines.join('\n').trimEnd()}\n`, sources };
}

function dependencyLines(fields: FixtureDependencies, owner: string): string[] {
  const lines: string[] = [];
  const add = (tag: string, deps: readonly string[] | undefined): void => {
    for (const dep of deps ?? []) {
      if (dep.trim() === '') throw new FerryError('FERRY_USAGE', `fixture ${owner}: empty ${tag}`);
      lines.push(`${tag}: ${oneLine(dep, tag, owner)}`);
    }
  };
  add('Requires', fields.requires);
  add('Requires(pre)', fields.requiresPre);
  add('Requires(post)', fields.requiresPost);
  add('Requires(preun)', fields.requiresPreun);
  add('Requires(postun)', fields.requiresPostun);
  add('Requires(pretrans)', fields.requiresPretrans);
  add('Requires(posttrans)', fields.requiresPosttrans);
  for (const q of fields.requiresQualified ?? []) add(`Requires(${q.qualifiers.join(',')})`, [q.dep]);
  add('Provides', fields.provides);
  add('Conflicts', fields.conflicts);
  add('Obsoletes', fields.obsoletes);
  add('Recommends', fields.recommends);
  add('Suggests', fields.suggests);
  add('Supplements', fields.supplements);
  add('Enhances', fields.enhances);
  return lines;
}

function checkPath(path: string, owner: string): void {
  if (!path.startsWith('/') || path.split('/').includes('..') || /[\r\n"\\%]/.test(path)) {
    throw new FerryError(
      'FERRY_USAGE',
      `fixture ${owner}: invalid file path ${JSON.stringify(path)} (absolute, no '..', no quotes, backslashes or '%')`,
    );
  }
}

/** Double quotes make rpm accept paths with spaces in %files. */
function quoted(path: string): string {
  return `"${path}"`;
}

/** Single-quoted for the %install shell script. */
function shellQuoted(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

function defaultMode(file: FixtureFile): string {
  if (file.kind === 'dir') return '0755';
  return /\/s?bin\/[^/]+$/.test(file.path) ? '0755' : '0644';
}

function fileLine(file: FixtureFile, owner: string): string {
  checkPath(file.path, owner);
  const kind = file.kind ?? 'file';
  const parts: string[] = [];
  if (kind !== 'symlink') parts.push(`%attr(${file.mode ?? defaultMode(file)},root,root)`);
  if (kind === 'dir') parts.push('%dir');
  if (kind === 'ghost') parts.push('%ghost');
  if (file.config === true) parts.push('%config');
  if (file.config === 'noreplace') parts.push('%config(noreplace)');
  if (file.doc === true) parts.push('%doc');
  if (file.license === true) parts.push('%license');
  parts.push(quoted(file.path));
  return parts.join(' ');
}

function parentOf(path: string): string {
  return path.slice(0, path.lastIndexOf('/')) || '/';
}

function installLines(
  file: FixtureFile,
  owner: string,
  specName: string,
  sources: PreparedSource[],
): string[] {
  const target = `"$RPM_BUILD_ROOT"${shellQuoted(file.path)}`;
  switch (file.kind ?? 'file') {
    case 'dir':
      return [`mkdir -p ${target}`];
    case 'ghost':
      // rpm lists a %ghost that is absent from the buildroot too; ship none, as packages usually do.
      return [];
    case 'symlink': {
      if (file.target === undefined || /[\r\n%]/.test(file.target)) {
        throw new FerryError(
          'FERRY_USAGE',
          `fixture ${owner}: symlink ${file.path} needs a target without '%'`,
        );
      }
      return [
        `mkdir -p "$RPM_BUILD_ROOT"${shellQuoted(parentOf(file.path))}`,
        `ln -s ${shellQuoted(file.target)} ${target}`,
      ];
    }
    case 'file': {
      const data =
        file.sizeKiB !== undefined
          ? incompressible(`${specName}:${owner}:${file.path}`, file.sizeKiB * 1024)
          : Buffer.from(file.content ?? `${owner}: ${file.path}\n`, 'utf8');
      const index = sources.length;
      sources.push({ fileName: `ferry-fixture-${index}`, data });
      return [
        `install -D -p -m ${file.mode ?? defaultMode(file)} "$RPM_SOURCE_DIR"/${sources[index]!.fileName} ${target}`,
      ];
    }
  }
}

/** Reproducible bytes that no compressor shrinks: AES-CTR keystream seeded by `seed`. */
function incompressible(seed: string, bytes: number): Buffer {
  const key = createHash('sha256').update(seed).digest();
  const cipher = createCipheriv('aes-256-ctr', key, Buffer.alloc(16));
  return Buffer.concat([cipher.update(Buffer.alloc(bytes)), cipher.final()]);
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

function changelogLines(entry: FixtureChangelogEntry, owner: string): string[] {
  const d = new Date(entry.date * 1000);
  const day = `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, '0')} ${d.getUTCFullYear()}`;
  const author = escapeMacros(oneLine(entry.author, 'changelog author', owner));
  const heading = `* ${day} ${author}${entry.evr === undefined ? '' : ` - ${entry.evr}`}`;
  const body = entry.text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => escapeMacros(line.startsWith('-') ? line : `- ${line}`));
  return [heading, ...body];
}

/**
 * `count` changelog entries, newest first, one per `stepDays` days going back
 * from `newest` (seconds): handy for exercising repodata's changelog limits.
 */
export function generateChangelog(
  count: number,
  newest: number = DEFAULT_SOURCE_DATE_EPOCH,
  options: { readonly author?: string; readonly stepDays?: number; readonly evr?: string } = {},
): FixtureChangelogEntry[] {
  const step = (options.stepDays ?? 7) * 86_400;
  return Array.from({ length: count }, (_, i) => ({
    date: newest - i * step,
    author: options.author ?? 'Ferry Fixture <fixture@example.org>',
    text: `Change number ${count - i}`,
    ...(options.evr === undefined ? {} : { evr: options.evr }),
  }));
}
