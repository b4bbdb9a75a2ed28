/**
 * What the closure reads from repodata XML: from primary.xml each package's
 * name, arch, version, pkgid, provides and requires; from filelists.xml the
 * owners of the file paths some dependency names. Everything else is
 * skipped without being decoded.
 */
import { FastXml } from './fast-xml.js';
import { makeEvr } from './reldep.js';
import { RepoPackagesBuilder } from './repo-packages.js';

const ENTRY_ATTRS = ['name', 'flags', 'epoch', 'ver', 'rel'] as const;
const VERSION_ATTRS = ['epoch', 'ver', 'rel'] as const;

export interface ScannedPrimary {
  readonly builder: RepoPackagesBuilder;
  /** Package ids (checksums) in primary order, to match filelists entries. */
  readonly pkgids: readonly string[];
  /** The files primary lists (createrepo_c's subset: /etc/, *bin/, /usr/lib/sendmail), with their packages. */
  readonly primaryFiles: ReadonlyMap<string, readonly number[]>;
}

class PrimaryReader {
  private readonly attrs: (string | undefined)[] = [];
  readonly builder = new RepoPackagesBuilder();
  readonly pkgids: string[] = [];
  readonly primaryFiles = new Map<string, number[]>();

  constructor(private readonly xml: FastXml) {}

  private entries(section: string, provides: boolean): void {
    const xml = this.xml;
    const attrs = this.attrs;
    for (;;) {
      const kind = xml.next();
      if (kind === 'end') throw xml.error(`<${section}> is not closed`);
      if (kind === 'close') {
        if (!xml.is(section)) throw xml.error(`</${xml.tag()}> closes <${section}>`);
        return;
      }
      if (xml.is('rpm:entry')) {
        xml.readAttrs(ENTRY_ATTRS, attrs);
        const name = attrs[0];
        if (name !== undefined && name !== '') {
          const entry = { name, flags: attrs[1], epoch: attrs[2], version: attrs[3], release: attrs[4] };
          if (provides) this.builder.addProvide(entry);
          else this.builder.addRequire(entry);
        }
      }
      if (kind === 'open') xml.skipElement();
    }
  }

  private format(index: number): void {
    const xml = this.xml;
    for (;;) {
      const kind = xml.next();
      if (kind === 'end') throw xml.error('<format> is not closed');
      if (kind === 'close') return;
      if (kind === 'empty') continue;
      if (xml.is('rpm:provides')) this.entries('rpm:provides', true);
      else if (xml.is('rpm:requires')) this.entries('rpm:requires', false);
      else if (xml.is('file')) {
        const path = xml.readText();
        const list = this.primaryFiles.get(path);
        if (list === undefined) this.primaryFiles.set(path, [index]);
        else if (list[list.length - 1] !== index) list.push(index);
      } else xml.skipElement();
    }
  }

  package(): void {
    const xml = this.xml;
    const index = this.builder.count;
    let name: string | undefined;
    let arch = '';
    let evr = '';
    let pkgid = '';
    for (;;) {
      const kind = xml.next();
      if (kind === 'end') throw xml.error('<package> is not closed');
      if (kind === 'close') break;
      if (xml.is('version')) {
        xml.readAttrs(VERSION_ATTRS, this.attrs);
        evr = makeEvr(this.attrs[0], this.attrs[1], this.attrs[2]);
        if (kind === 'open') xml.skipElement();
      } else if (kind === 'empty') continue;
      else if (xml.is('name')) name = xml.readText();
      else if (xml.is('arch')) arch = xml.readText();
      else if (xml.is('checksum')) pkgid = xml.readText().trim();
      else if (xml.is('format')) this.format(index);
      else xml.skipElement();
    }
    if (name === undefined || name === '') throw xml.error('<package> without a <name>');
    this.builder.endPackage(name, arch === '' ? 'noarch' : arch, evr);
    this.pkgids.push(pkgid);
  }
}

/** Reads primary.xml text; `file` names it in errors. */
export function scanPrimary(text: string, file: string): ScannedPrimary {
  const xml = new FastXml(text, file);
  if (xml.next() !== 'open' || !xml.is('metadata')) {
    throw xml.error('not a primary.xml: the root element is not <metadata>');
  }
  const reader = new PrimaryReader(xml);
  for (;;) {
    const kind = xml.next();
    if (kind === 'end') throw xml.error('<metadata> is not closed');
    if (kind === 'close') break;
    if (kind === 'open' && xml.is('package')) reader.package();
    else if (kind === 'open') xml.skipElement();
  }
  return { builder: reader.builder, pkgids: reader.pkgids, primaryFiles: reader.primaryFiles };
}

/**
 * Owners of `wanted` paths according to filelists.xml text: package indexes
 * of primary (matched by position, or by pkgid when the order differs).
 */
export function scanFilelists(
  text: string,
  file: string,
  pkgids: readonly string[],
  wanted: ReadonlySet<string>,
): Map<string, number[]> {
  const xml = new FastXml(text, file);
  if (xml.next() !== 'open' || !xml.is('filelists')) {
    throw xml.error('not a filelists.xml: the root element is not <filelists>');
  }
  const owners = new Map<string, number[]>();
  let byId: Map<string, number> | undefined;
  let position = 0;
  for (;;) {
    const kind = xml.next();
    if (kind === 'end') throw xml.error('<filelists> is not closed');
    if (kind === 'close') break;
    if (!xml.is('package')) {
      if (kind === 'open') xml.skipElement();
      continue;
    }
    const pkgid = xml.attr('pkgid');
    if (pkgid === undefined) throw xml.error('<package> without a pkgid');
    let index: number | undefined = position;
    if (pkgids[position] !== pkgid) {
      byId ??= new Map(pkgids.map((id, i) => [id, i] as const));
      index = byId.get(pkgid);
    }
    position++;
    if (kind === 'empty') continue;
    for (;;) {
      const inner = xml.next();
      if (inner === 'end') throw xml.error('<package> is not closed');
      if (inner === 'close') break;
      if (inner === 'empty') continue;
      if (!xml.is('file')) {
        xml.skipElement();
        continue;
      }
      const path = xml.readText();
      if (index === undefined || !wanted.has(path)) continue;
      const list = owners.get(path);
      if (list === undefined) owners.set(path, [index]);
      else if (list[list.length - 1] !== index) list.push(index);
    }
  }
  return owners;
}
