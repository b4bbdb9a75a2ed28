/**
 * Turns a parsed main header into the repodata package model, deciding
 * exactly what createrepo_c decides (src/parsehdr.c, cr_package_from_header):
 * which requires are dropped (rpmlib(), files the package itself ships when
 * they are "primary" files, requires the package provides itself, exact
 * duplicates), when a require is `pre`, the libc.so.6 "highest version only"
 * rule, legacy weak dependencies (those in header-dependencies.ts), file
 * types, and the changelog limit with its same-timestamp adjustment.
 */
import type { ChangelogEntry, PackageChecksum, PackageFile, RpmPackage } from './package.js';
import { LEGACY_PRE_BITS, PRE_BITS, readDependencies } from './header-dependencies.js';
import { CONTROL, StringReader } from './header-strings.js';
import { RPM_TAG, rpmFormatError, type RpmHeader } from './rpm-header.js';

/** Facts about the file itself, which are not in the header. */
export interface RpmFileFacts {
  readonly sizePackage: number;
  /** mtime of the file, whole seconds. */
  readonly timeFile: number;
  readonly checksum: PackageChecksum;
  readonly locationHref: string;
  readonly locationBase?: string;
  readonly headerStart: number;
  readonly headerEnd: number;
  /** Archive size from the signature header (used when the main header has none). */
  readonly signatureArchiveSize?: number;
  /** The lead says "source package" (used only for very old headers without SOURCEPACKAGE/SOURCERPM). */
  readonly leadIsSource?: boolean;
}

export interface PackageFromHeaderOptions {
  /** Newest changelog entries kept; negative or undefined keeps all (createrepo_c's -1). */
  readonly changelogLimit?: number;
  /**
   * Whether Requires(pretrans) and Requires(posttrans) count as `pre`, as
   * createrepo_c does since 1.1.1 (default true). Older createrepo_c (0.17,
   * 0.20 on EL9) marks only Requires(pre), Requires(post) and PreReq.
   */
  readonly transactionRequiresArePre?: boolean;
}

const FILE_GHOST = 1 << 6;
const S_IFMT = 0o170000;
const S_IFDIR = 0o040000;

/**
 * primary.xml lists only these files (createrepo_c's cr_is_primary): anything
 * under /etc/, /usr/lib/sendmail, and any path containing "bin/".
 */
export function isPrimaryFile(path: string): boolean {
  return path.startsWith('/etc/') || path.includes('bin/') || path === '/usr/lib/sendmail';
}

function readFiles(strings: StringReader): { files: PackageFile[]; primaryFiles: Set<string> } {
  const header = strings.header;
  const files: PackageFile[] = [];
  // Only primary files matter to the requires filter: a small set, not every path.
  const primaryFiles = new Set<string>();
  let dirNames = strings.strings(RPM_TAG.DIRNAMES);
  let dirIndexes = header.numbers(RPM_TAG.DIRINDEXES);
  let baseNames = strings.strings(RPM_TAG.BASENAMES);
  const old = !baseNames ? strings.strings(RPM_TAG.OLDFILENAMES) : undefined;
  if (old) {
    // Pre-4.0 packages: split full paths the way rpm's compressFilelist does.
    const dirs = new Map<string, number>();
    dirNames = [];
    dirIndexes = [];
    baseNames = [];
    for (const path of old) {
      const slash = path.lastIndexOf('/') + 1;
      const dir = path.slice(0, slash);
      let index = dirs.get(dir);
      if (index === undefined) {
        index = dirNames.push(dir) - 1;
        dirs.set(dir, index);
      }
      dirIndexes.push(index);
      baseNames.push(path.slice(slash));
    }
  }
  const flags = header.numbers(RPM_TAG.FILEFLAGS);
  const modes = header.numbers(RPM_TAG.FILEMODES);
  // createrepo_c lists files only when every per-file tag is present, digests included.
  if (!dirIndexes || !baseNames || !flags || !modes || (!old && !header.has(RPM_TAG.FILEDIGESTS))) {
    return { files, primaryFiles };
  }
  const dirs = dirNames ?? [];
  const count = Math.min(dirIndexes.length, baseNames.length, flags.length, modes.length);
  for (let i = 0; i < count; i++) {
    const dirIndex = dirIndexes[i]!;
    if (dirIndex >= dirs.length) {
      throw rpmFormatError(
        `main header: file ${i} has directory index ${dirIndex}, but only ${dirs.length} directories`,
      );
    }
    const path = dirs[dirIndex]! + baseNames[i]!;
    if (isPrimaryFile(path)) primaryFiles.add(path);
    const type = (modes[i]! & S_IFMT) === S_IFDIR ? 'dir' : flags[i]! & FILE_GHOST ? 'ghost' : 'file';
    files.push({ path, type });
  }
  return { files, primaryFiles };
}

/**
 * The dates createrepo_c writes for the first `kept` changelog entries (header
 * order, newest first): where entries share a timestamp, the newer-listed
 * ones are bumped by one second each, so dates stay distinct.
 */
export function changelogDates(times: readonly number[], kept: number): number[] {
  const dates = times.slice(0, kept);
  let lastTime = 0;
  for (let i = 0; i < dates.length; i++) {
    const time = times[i]!;
    if (lastTime === time) {
      let bumped = time;
      for (let k = i - 1; k >= 0 && dates[k] === bumped; k--) {
        dates[k] = bumped + 1;
        bumped++;
      }
    } else {
      lastTime = time;
    }
  }
  return dates;
}

/**
 * createrepo_c keeps the newest `limit` entries and, where several share a
 * timestamp, bumps the older-listed ones by one second each so dates stay
 * distinct. Result: newest first, like the header.
 */
export function limitChangelogs(
  times: readonly number[],
  authors: readonly string[],
  texts: readonly string[],
  limit?: number,
): ChangelogEntry[] {
  const count = Math.min(times.length, authors.length, texts.length);
  const kept = limit === undefined || limit < 0 ? count : Math.min(limit, count);
  const dates = changelogDates(times, kept);
  const entries: ChangelogEntry[] = [];
  for (let i = 0; i < kept; i++) {
    const author = authors[i]!;
    let end = author.length;
    // createrepo_c trims trailing spaces of the author, never its first character.
    while (end > 1 && author.charCodeAt(end - 1) === 32) end--;
    entries.push({ author: author.slice(0, end), date: dates[i]!, text: texts[i]! });
  }
  return entries;
}

/** Builds the package model from a parsed main header and the file's own facts. */
export function packageFromHeader(
  header: RpmHeader,
  facts: RpmFileFacts,
  options: PackageFromHeaderOptions = {},
): RpmPackage {
  const name = header.string(RPM_TAG.NAME);
  const version = header.string(RPM_TAG.VERSION);
  const release = header.string(RPM_TAG.RELEASE);
  if (name === undefined || version === undefined || release === undefined) {
    const missing = name === undefined ? 'NAME' : version === undefined ? 'VERSION' : 'RELEASE';
    throw rpmFormatError(`main header has no ${missing} tag`);
  }
  const sourceRpm = header.string(RPM_TAG.SOURCERPM);
  const isSource = header.has(RPM_TAG.SOURCEPACKAGE)
    ? (header.number(RPM_TAG.SOURCEPACKAGE) ?? 0) !== 0
    : sourceRpm === undefined && facts.leadIsSource === true;
  const arch = isSource ? 'src' : (header.string(RPM_TAG.ARCH) ?? '');

  const strings = new StringReader(header);
  const { files, primaryFiles } = readFiles(strings);
  const deps = readDependencies(
    strings,
    primaryFiles,
    options.transactionRequiresArePre === false ? LEGACY_PRE_BITS : PRE_BITS,
  );

  // Only the kept entries are decoded: real packages carry hundreds of them.
  const limit =
    options.changelogLimit === undefined || options.changelogLimit < 0 ? Infinity : options.changelogLimit;
  const times = header.numbers(RPM_TAG.CHANGELOGTIME, limit);
  const authors = times && strings.strings(RPM_TAG.CHANGELOGNAME, limit);
  const texts = authors && strings.strings(RPM_TAG.CHANGELOGTEXT, limit);
  const changelogs = texts ? limitChangelogs(times, authors, texts, options.changelogLimit) : [];

  const sizeInstalled = header.has(RPM_TAG.LONGSIZE)
    ? header.number(RPM_TAG.LONGSIZE)
    : header.number(RPM_TAG.SIZE);
  const sizeArchive = header.has(RPM_TAG.LONGARCHIVESIZE)
    ? header.number(RPM_TAG.LONGARCHIVESIZE)
    : header.has(RPM_TAG.ARCHIVESIZE)
      ? header.number(RPM_TAG.ARCHIVESIZE)
      : facts.signatureArchiveSize;

  const pkg: RpmPackage = {
    name,
    epoch: header.number(RPM_TAG.EPOCH) ?? 0,
    version,
    release,
    arch,
    summary: header.string(RPM_TAG.SUMMARY) ?? '',
    description: header.string(RPM_TAG.DESCRIPTION) ?? '',
    url: header.string(RPM_TAG.URL) ?? '',
    license: header.string(RPM_TAG.LICENSE) ?? '',
    vendor: header.string(RPM_TAG.VENDOR) ?? '',
    group: header.string(RPM_TAG.GROUP) ?? '',
    buildhost: header.string(RPM_TAG.BUILDHOST) ?? '',
    sourcerpm: sourceRpm ?? (isSource ? '' : '(none)'),
    packager: header.string(RPM_TAG.PACKAGER) ?? '',
    timeBuild: header.number(RPM_TAG.BUILDTIME) ?? 0,
    timeFile: facts.timeFile,
    sizePackage: facts.sizePackage,
    sizeInstalled: sizeInstalled ?? 0,
    sizeArchive: sizeArchive ?? 0,
    headerStart: facts.headerStart,
    headerEnd: facts.headerEnd,
    ...deps,
    files,
    changelogs,
    checksum: facts.checksum,
    locationHref: facts.locationHref,
    ...(facts.locationBase ? { locationBase: facts.locationBase } : {}),
  };
  const bad = strings.suspicious || scalarsHaveControl(pkg) ? findControlCharacter(pkg) : undefined;
  if (bad !== undefined) {
    throw rpmFormatError(`forbidden control character (ASCII < 32 other than tab, LF, CR) in ${bad}`);
  }
  return pkg;
}

const SCALAR_FIELDS = [
  'name',
  'arch',
  'version',
  'release',
  'summary',
  'description',
  'url',
  'license',
  'vendor',
  'group',
  'buildhost',
  'sourcerpm',
  'packager',
  'locationHref',
] as const;

function scalarsHaveControl(pkg: RpmPackage): boolean {
  for (const field of SCALAR_FIELDS) if (CONTROL.test(pkg[field])) return true;
  return pkg.locationBase !== undefined && CONTROL.test(pkg.locationBase);
}

/** createrepo_c refuses to write a package with C0 control characters in these fields. */
export function findControlCharacter(pkg: RpmPackage): string | undefined {
  for (const field of SCALAR_FIELDS) if (CONTROL.test(pkg[field])) return field;
  if (pkg.locationBase !== undefined && CONTROL.test(pkg.locationBase)) return 'locationBase';
  const kinds = [
    'requires',
    'provides',
    'conflicts',
    'obsoletes',
    'suggests',
    'enhances',
    'recommends',
    'supplements',
  ] as const;
  for (const kind of kinds) {
    for (const dep of pkg[kind]) {
      if (
        CONTROL.test(dep.name) ||
        CONTROL.test(dep.epoch ?? '') ||
        CONTROL.test(dep.version ?? '') ||
        CONTROL.test(dep.release ?? '')
      ) {
        return `${kind} entry ${JSON.stringify(dep.name)}`;
      }
    }
  }
  for (const file of pkg.files) if (CONTROL.test(file.path)) return `file ${JSON.stringify(file.path)}`;
  for (const entry of pkg.changelogs) {
    if (CONTROL.test(entry.author) || CONTROL.test(entry.text)) return 'a changelog entry';
  }
  return undefined;
}
