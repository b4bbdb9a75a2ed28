/**
 * Turns a parsed main header into the repodata package model, deciding
 * exactly what createrepo_c decides (src/parsehdr.c, cr_package_from_header):
 * which requires are dropped (rpmlib(), files the package itself ships when
 * they are "primary" files, requires the package provides itself, exact
 * duplicates), when a require is `pre`, the libc.so.6 "highest version only"
 * rule, legacy weak dependencies, file types, and the changelog limit with its
 * same-timestamp adjustment.
 */
import type {
  ChangelogEntry,
  Dependency,
  DependencyFlag,
  PackageChecksum,
  PackageFile,
  RpmPackage,
} from './package.js';
import { RPM_TAG, rpmFormatError, type RpmHeader } from './rpm-header.js';
import { rpmvercmp } from './vercmp.js';

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

// Dependency sense bits (rpm's include/rpm/rpmds.h).
const SENSE_POSTTRANS = 1 << 5;
const SENSE_PREREQ = 1 << 6;
const SENSE_PRETRANS = 1 << 7;
const SENSE_SCRIPT_PRE = 1 << 9;
const SENSE_SCRIPT_POST = 1 << 10;
const SENSE_MISSINGOK = 1 << 19;
const SENSE_STRONG = 1 << 27;
/** Sense bits that make a require `pre` in createrepo_c before 1.1.1, and since (PRE_BITS). */
const LEGACY_PRE_BITS = SENSE_PREREQ | SENSE_SCRIPT_PRE | SENSE_SCRIPT_POST;
const PRE_BITS = LEGACY_PRE_BITS | SENSE_POSTTRANS | SENSE_PRETRANS;
const FILE_GHOST = 1 << 6;
const S_IFMT = 0o170000;
const S_IFDIR = 0o040000;

/** createrepo_c's cr_flag_to_str: only the five plain comparisons have a name. */
function dependencyFlagName(flags: number): DependencyFlag | undefined {
  switch (flags & 0xf) {
    case 2:
      return 'LT';
    case 4:
      return 'GT';
    case 8:
      return 'EQ';
    case 10:
      return 'LE';
    case 12:
      return 'GE';
    default:
      return undefined;
  }
}

/**
 * primary.xml lists only these files (createrepo_c's cr_is_primary): anything
 * under /etc/, /usr/lib/sendmail, and any path containing "bin/".
 */
export function isPrimaryFile(path: string): boolean {
  return path.startsWith('/etc/') || path.includes('bin/') || path === '/usr/lib/sendmail';
}

interface Evr {
  readonly epoch?: string;
  readonly version?: string;
  readonly release?: string;
  readonly badEpoch: boolean;
}

const NO_EVR: Evr = { badEpoch: false };

/** strtol's view of an epoch: optional blanks, optional sign, then only digits. */
function isNumericEpoch(head: string): boolean {
  let i = 0;
  while (i < head.length && ' \t\n\v\f\r'.includes(head[i]!)) i++;
  if (head[i] === '+' || head[i] === '-') i++;
  if (i === head.length) return false;
  for (; i < head.length; i++) {
    const c = head.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** createrepo_c's cr_str_to_evr: `[epoch:]version[-release]`, epoch "0" when absent. */
export function splitEvr(text: string): Evr {
  if (text === '') return NO_EVR;
  const colon = text.indexOf(':');
  let epoch = '0';
  let rest = text;
  if (colon >= 0) {
    // An empty epoch counts as none; anything strtol would not read as a number is a bad epoch.
    if (colon > 0) {
      const head = text.slice(0, colon);
      if (!isNumericEpoch(head)) return { badEpoch: true };
      epoch = head;
    }
    rest = text.slice(colon + 1);
  }
  const dash = rest.indexOf('-');
  if (dash < 0) return { epoch, version: rest, badEpoch: false };
  const release = rest.slice(dash + 1);
  return release === ''
    ? { epoch, version: rest.slice(0, dash), badEpoch: false }
    : { epoch, version: rest.slice(0, dash), release, badEpoch: false };
}

function makeDependency(name: string, flags: DependencyFlag | undefined, evr: Evr, pre: boolean): Dependency {
  // Repodata writes epoch/ver/rel only next to flags; keep the model equal to what it carries.
  if (flags === undefined) return pre ? { name, pre } : { name };
  const dep: { -readonly [K in keyof Dependency]: Dependency[K] } = { name, flags };
  if (evr.epoch) dep.epoch = evr.epoch;
  if (evr.version) dep.version = evr.version;
  if (evr.release) dep.release = evr.release;
  if (pre) dep.pre = true;
  return dep;
}

/**
 * createrepo_c's cr_compare_dependency for two libc.so.6 requires, reduced to
 * "is `b` higher than `a`": compares the version inside the first parentheses,
 * with the same precedence of odd shapes (no parentheses, no closing one,
 * empty ones, no digit inside).
 */
function libcIsHigher(a: string, b: string): boolean {
  const shape = (dep: string): { stage: number; version: string } => {
    const open = dep.indexOf('(');
    if (open < 0) return { stage: 0, version: '' };
    const close = dep.indexOf(')', open);
    if (close < 0) return { stage: 1, version: '' };
    if (close === open + 1) return { stage: 2, version: '' };
    let at = open + 1;
    while (at < dep.length && (dep.charCodeAt(at) < 48 || dep.charCodeAt(at) > 57)) at++;
    if (at > close) return { stage: 3, version: '' };
    return { stage: 4, version: dep.slice(at, close) };
  };
  const sa = shape(a);
  const sb = shape(b);
  // At each stage, the first dependency failing it loses; both failing it is a tie (-1 at stage 1).
  for (let stage = 0; stage < 4; stage++) {
    const aFails = sa.stage === stage;
    const bFails = sb.stage === stage;
    if (aFails || bFails) return aFails && !bFails;
  }
  return rpmvercmp(sa.version, sb.version) < 0;
}

interface DependencyLists {
  requires: Dependency[];
  provides: Dependency[];
  conflicts: Dependency[];
  obsoletes: Dependency[];
  recommends: Dependency[];
  suggests: Dependency[];
  supplements: Dependency[];
  enhances: Dependency[];
}

type Kind = keyof DependencyLists | 'oldsuggests' | 'oldenhances';

// The order matters: provides first (requires are checked against them).
const DEPENDENCY_TAGS: readonly (readonly [Kind, number, number, number])[] = [
  ['provides', RPM_TAG.PROVIDENAME, RPM_TAG.PROVIDEFLAGS, RPM_TAG.PROVIDEVERSION],
  ['conflicts', RPM_TAG.CONFLICTNAME, RPM_TAG.CONFLICTFLAGS, RPM_TAG.CONFLICTVERSION],
  ['obsoletes', RPM_TAG.OBSOLETENAME, RPM_TAG.OBSOLETEFLAGS, RPM_TAG.OBSOLETEVERSION],
  ['requires', RPM_TAG.REQUIRENAME, RPM_TAG.REQUIREFLAGS, RPM_TAG.REQUIREVERSION],
  ['suggests', RPM_TAG.SUGGESTNAME, RPM_TAG.SUGGESTFLAGS, RPM_TAG.SUGGESTVERSION],
  ['enhances', RPM_TAG.ENHANCENAME, RPM_TAG.ENHANCEFLAGS, RPM_TAG.ENHANCEVERSION],
  ['recommends', RPM_TAG.RECOMMENDNAME, RPM_TAG.RECOMMENDFLAGS, RPM_TAG.RECOMMENDVERSION],
  ['supplements', RPM_TAG.SUPPLEMENTNAME, RPM_TAG.SUPPLEMENTFLAGS, RPM_TAG.SUPPLEMENTVERSION],
  ['oldsuggests', RPM_TAG.OLDSUGGESTSNAME, RPM_TAG.OLDSUGGESTSFLAGS, RPM_TAG.OLDSUGGESTSVERSION],
  ['oldenhances', RPM_TAG.OLDENHANCESNAME, RPM_TAG.OLDENHANCESFLAGS, RPM_TAG.OLDENHANCESVERSION],
];

// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1f]/;
// eslint-disable-next-line no-control-regex
const CONTROL_BUT_NUL = /[\x01-\x08\x0b\x0c\x0e-\x1f]/;

/**
 * Reads string arrays and remembers whether any of them holds a control
 * character, so the exact (per kept item) check runs only for the rare
 * package that needs it.
 */
class StringReader {
  suspicious = false;

  constructor(readonly header: RpmHeader) {}

  strings(tag: number, max = Infinity): string[] | undefined {
    const result = this.header.joinedStrings(tag, max);
    if (result === undefined) return undefined;
    if (result.count === 0) return [];
    if (!this.suspicious && CONTROL_BUT_NUL.test(result.joined)) this.suspicious = true;
    return result.joined.split('\0');
  }
}

function readDependencies(
  strings: StringReader,
  ownFiles: ReadonlySet<string>,
  preBits: number,
): DependencyLists {
  const header = strings.header;
  const lists: DependencyLists = {
    requires: [],
    provides: [],
    conflicts: [],
    obsoletes: [],
    recommends: [],
    suggests: [],
    supplements: [],
    enhances: [],
  };
  const provided = new Set<string>();
  const seenRequires = new Map<string, { flags: string; version: string; pre: boolean }>();
  for (const [kind, nameTag, flagsTag, versionTag] of DEPENDENCY_TAGS) {
    const names = strings.strings(nameTag);
    const flagValues = names && header.numbers(flagsTag);
    const versions = flagValues && strings.strings(versionTag);
    if (!names || !flagValues || !versions) continue;
    const count = Math.min(names.length, flagValues.length, versions.length);
    let libcHighest: Dependency | undefined;
    for (let i = 0; i < count; i++) {
      const name = names[i]!;
      const rawFlags = flagValues[i]!;
      const flags = dependencyFlagName(rawFlags);
      const version = versions[i]!;
      // createrepo_c keys provides by name, flags and version glued together.
      const nfv = `${name}${flags ?? ''}${version}`;
      let pre = false;
      if (kind === 'requires') {
        if (name.startsWith('rpmlib(')) continue;
        if (name.startsWith('/') && ownFiles.has(name)) continue;
        if (provided.has(nfv)) continue;
        pre = (rawFlags & preBits) !== 0;
        const seen = seenRequires.get(name);
        if (seen && seen.flags === (flags ?? '') && seen.version === version && seen.pre === pre) continue;
      }
      const evr = splitEvr(version);
      // createrepo_c warns and skips a dependency whose epoch is not a number.
      if (evr.badEpoch) continue;
      switch (kind) {
        case 'provides':
          provided.add(nfv);
          lists.provides.push(makeDependency(name, flags, evr, false));
          break;
        case 'requires': {
          if (rawFlags & SENSE_MISSINGOK) {
            // Legacy weak dependency (createrepo_c built with ENABLE_LEGACY_WEAKDEPS, as distributions ship it).
            lists.recommends.push(makeDependency(name, flags, evr, false));
            break;
          }
          const dep = makeDependency(name, flags, evr, pre);
          if (name.startsWith('libc.so.6')) {
            if (!libcHighest || libcIsHigher(libcHighest.name, name)) libcHighest = dep;
            break;
          }
          lists.requires.push(dep);
          seenRequires.set(name, { flags: flags ?? '', version, pre });
          break;
        }
        case 'oldsuggests':
          (rawFlags & SENSE_STRONG ? lists.recommends : lists.suggests).push(
            makeDependency(name, flags, evr, false),
          );
          break;
        case 'oldenhances':
          (rawFlags & SENSE_STRONG ? lists.supplements : lists.enhances).push(
            makeDependency(name, flags, evr, false),
          );
          break;
        default:
          lists[kind].push(makeDependency(name, flags, evr, false));
      }
    }
    if (libcHighest) lists.requires.push(libcHighest);
  }
  return lists;
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
