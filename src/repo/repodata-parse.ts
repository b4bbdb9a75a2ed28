/**
 * Parsers for the three metadata files into the package model: primary.xml
 * gives everything but the full file list and the changelog; filelists.xml
 * and other.xml add those, matched to primary's packages by pkgid. Pure
 * functions over strings; repodata-reader.ts does the file work.
 */
import {
  isDependencyFlag,
  type ChangelogEntry,
  type Dependency,
  type DependencyKind,
  type PackageChecksum,
  type PackageFile,
  type RpmPackage,
} from '../rpm/package.js';
import type { XmlScanner } from './xml-scanner.js';
import { XmlScanner as Scanner } from './xml-scanner.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** A package from primary.xml; `files` holds primary's subset until filelists.xml replaces it. */
export type PrimaryPackage = Mutable<RpmPackage>;

const CHECKSUM_TYPES = new Set(['sha256', 'sha1', 'sha512', 'md5', 'sha384', 'sha224']);

function number(scanner: XmlScanner, name: string, fallback = 0): number {
  const text = scanner.attr(name);
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isFinite(value))
    throw scanner.error(`<${scanner.name}> attribute ${name} is not a number: ${JSON.stringify(text)}`);
  return value;
}

function dependency(scanner: XmlScanner): Dependency | undefined {
  const name = scanner.attr('name');
  if (name === undefined || name === '') return undefined;
  const flags = scanner.attr('flags');
  const dep: Mutable<Dependency> = { name };
  if (flags) {
    if (!isDependencyFlag(flags)) throw scanner.error(`unknown dependency flags ${JSON.stringify(flags)}`);
    dep.flags = flags;
    const epoch = scanner.attr('epoch');
    const version = scanner.attr('ver');
    const release = scanner.attr('rel');
    if (epoch) dep.epoch = epoch;
    if (version) dep.version = version;
    if (release) dep.release = release;
  }
  const pre = scanner.attr('pre');
  if (pre === '1' || pre === 'true') dep.pre = true;
  return dep;
}

const DEPENDENCY_ELEMENTS: Readonly<Record<string, DependencyKind>> = {
  'rpm:provides': 'provides',
  'rpm:requires': 'requires',
  'rpm:conflicts': 'conflicts',
  'rpm:obsoletes': 'obsoletes',
  'rpm:recommends': 'recommends',
  'rpm:suggests': 'suggests',
  'rpm:supplements': 'supplements',
  'rpm:enhances': 'enhances',
};

function fileEntry(scanner: XmlScanner): PackageFile {
  const type = scanner.attr('type');
  const path = scanner.readText();
  return { path, type: type === 'dir' ? 'dir' : type === 'ghost' ? 'ghost' : 'file' };
}

function expectRoot(scanner: XmlScanner, root: string): void {
  if (scanner.next() !== 'open' || scanner.name !== root) {
    throw scanner.error(`expected the root element <${root}>, found <${scanner.name}>`);
  }
}

/** Shared by every package until a list is read: most packages lack most dependency kinds. */
const NONE = Object.freeze([]) as unknown as never[];

function emptyPackage(): PrimaryPackage {
  return {
    name: '',
    epoch: 0,
    version: '',
    release: '',
    arch: '',
    summary: '',
    description: '',
    url: '',
    license: '',
    vendor: '',
    group: '',
    buildhost: '',
    sourcerpm: '',
    packager: '',
    timeBuild: 0,
    timeFile: 0,
    sizePackage: 0,
    sizeInstalled: 0,
    sizeArchive: 0,
    headerStart: 0,
    headerEnd: 0,
    requires: NONE,
    provides: NONE,
    conflicts: NONE,
    obsoletes: NONE,
    recommends: NONE,
    suggests: NONE,
    supplements: NONE,
    enhances: NONE,
    files: NONE,
    changelogs: NONE,
    checksum: { type: 'sha256', value: '' },
    locationHref: '',
  };
}

function parseFormat(scanner: XmlScanner, pkg: PrimaryPackage): void {
  const files: PackageFile[] = [];
  for (let event = scanner.next(); event !== 'close'; event = scanner.next()) {
    if (event !== 'open') continue;
    const name = scanner.name;
    const kind = DEPENDENCY_ELEMENTS[name];
    if (kind !== undefined) {
      const deps: Dependency[] = [];
      for (let e = scanner.next(); e !== 'close'; e = scanner.next()) {
        if (e !== 'open') continue;
        if (scanner.name === 'rpm:entry') {
          const dep = dependency(scanner);
          if (dep) deps.push(dep);
        }
        scanner.skipElement();
      }
      pkg[kind] = deps;
      continue;
    }
    switch (name) {
      case 'rpm:license':
        pkg.license = scanner.readText();
        break;
      case 'rpm:vendor':
        pkg.vendor = scanner.readText();
        break;
      case 'rpm:group':
        pkg.group = scanner.readText();
        break;
      case 'rpm:buildhost':
        pkg.buildhost = scanner.readText();
        break;
      case 'rpm:sourcerpm':
        pkg.sourcerpm = scanner.readText();
        break;
      case 'rpm:header-range':
        pkg.headerStart = number(scanner, 'start');
        pkg.headerEnd = number(scanner, 'end');
        scanner.skipElement();
        break;
      case 'file':
        files.push(fileEntry(scanner));
        break;
      default:
        scanner.skipElement();
    }
  }
  pkg.files = files;
}

function parsePackage(scanner: XmlScanner): PrimaryPackage {
  const pkg = emptyPackage();
  for (let event = scanner.next(); event !== 'close'; event = scanner.next()) {
    if (event !== 'open') continue;
    switch (scanner.name) {
      case 'name':
        pkg.name = scanner.readText();
        break;
      case 'arch':
        pkg.arch = scanner.readText();
        break;
      case 'version':
        pkg.epoch = number(scanner, 'epoch');
        pkg.version = scanner.attr('ver') ?? '';
        pkg.release = scanner.attr('rel') ?? '';
        scanner.skipElement();
        break;
      case 'checksum': {
        const type = scanner.attr('type') ?? 'sha256';
        const normalized = type === 'sha' ? 'sha1' : type;
        if (!CHECKSUM_TYPES.has(normalized))
          throw scanner.error(`unknown checksum type ${JSON.stringify(type)}`);
        pkg.checksum = { type: normalized as PackageChecksum['type'], value: scanner.readText().trim() };
        break;
      }
      case 'summary':
        pkg.summary = scanner.readText();
        break;
      case 'description':
        pkg.description = scanner.readText();
        break;
      case 'packager':
        pkg.packager = scanner.readText();
        break;
      case 'url':
        pkg.url = scanner.readText();
        break;
      case 'time':
        pkg.timeFile = number(scanner, 'file');
        pkg.timeBuild = number(scanner, 'build');
        scanner.skipElement();
        break;
      case 'size':
        pkg.sizePackage = number(scanner, 'package');
        pkg.sizeInstalled = number(scanner, 'installed');
        pkg.sizeArchive = number(scanner, 'archive');
        scanner.skipElement();
        break;
      case 'location': {
        pkg.locationHref = scanner.attr('href') ?? '';
        const base = scanner.attr('xml:base');
        if (base) pkg.locationBase = base;
        scanner.skipElement();
        break;
      }
      case 'format':
        parseFormat(scanner, pkg);
        break;
      default:
        scanner.skipElement();
    }
  }
  if (pkg.name === '') throw scanner.error('<package> without a <name>');
  return pkg;
}

/** Parses primary.xml text. `file` names it in errors. */
export function parsePrimary(text: string, file: string): PrimaryPackage[] {
  const scanner = new Scanner(text, file);
  expectRoot(scanner, 'metadata');
  const packages: PrimaryPackage[] = [];
  for (let event = scanner.next(); event !== 'close'; event = scanner.next()) {
    if (event !== 'open') continue;
    if (scanner.name === 'package') packages.push(parsePackage(scanner));
    else scanner.skipElement();
  }
  return packages;
}

/** What filelists.xml or other.xml says about one package. */
export interface SecondaryEntry<T> {
  readonly pkgid: string;
  readonly name: string;
  readonly arch: string;
  readonly items: T[];
}

function parseSecondary<T>(
  text: string,
  file: string,
  root: string,
  item: string,
  read: (scanner: XmlScanner) => T,
): SecondaryEntry<T>[] {
  const scanner = new Scanner(text, file);
  expectRoot(scanner, root);
  const entries: SecondaryEntry<T>[] = [];
  for (let event = scanner.next(); event !== 'close'; event = scanner.next()) {
    if (event !== 'open') continue;
    if (scanner.name !== 'package') {
      scanner.skipElement();
      continue;
    }
    const pkgid = scanner.attr('pkgid');
    if (!pkgid) throw scanner.error('<package> without a pkgid');
    const entry: SecondaryEntry<T> = {
      pkgid,
      name: scanner.attr('name') ?? '',
      arch: scanner.attr('arch') ?? '',
      items: [],
    };
    for (let e = scanner.next(); e !== 'close'; e = scanner.next()) {
      if (e !== 'open') continue;
      if (scanner.name === item) entry.items.push(read(scanner));
      else scanner.skipElement();
    }
    entries.push(entry);
  }
  return entries;
}

/** Parses filelists.xml text. */
export function parseFilelists(text: string, file: string): SecondaryEntry<PackageFile>[] {
  return parseSecondary(text, file, 'filelists', 'file', fileEntry);
}

/** Parses other.xml text; changelogs come back newest first, like the model. */
export function parseOther(text: string, file: string): SecondaryEntry<ChangelogEntry>[] {
  const entries = parseSecondary(text, file, 'otherdata', 'changelog', (scanner): ChangelogEntry => {
    const author = scanner.attr('author') ?? '';
    const date = number(scanner, 'date');
    return { author, date, text: scanner.readText() };
  });
  for (const entry of entries) entry.items.reverse();
  return entries;
}

/**
 * Attaches filelists/other entries to primary packages: by position when the
 * files list packages in the same order (they always do for createrepo_c and
 * ferry), otherwise by pkgid. Returns the pkgids that matched no package.
 */
export function attachSecondary<T>(
  packages: PrimaryPackage[],
  entries: readonly SecondaryEntry<T>[],
  apply: (pkg: PrimaryPackage, items: T[]) => void,
): string[] {
  const unmatched: string[] = [];
  let byId: Map<string, PrimaryPackage[]> | undefined;
  const used = new Set<PrimaryPackage>();
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]!;
    let pkg: PrimaryPackage | undefined = packages[i];
    if (!pkg || pkg.checksum.value !== entry.pkgid || used.has(pkg)) {
      if (!byId) {
        byId = new Map();
        for (const p of packages) {
          const list = byId.get(p.checksum.value);
          if (list) list.push(p);
          else byId.set(p.checksum.value, [p]);
        }
      }
      pkg = byId.get(entry.pkgid)?.find((candidate) => !used.has(candidate));
    }
    if (!pkg) {
      unmatched.push(entry.pkgid);
      continue;
    }
    used.add(pkg);
    apply(pkg, entry.items);
  }
  return unmatched;
}
