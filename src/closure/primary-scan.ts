/**
 * What the closure reads from repodata XML: from primary.xml each package's
 * name, arch, version, pkgid, provides and requires; from filelists.xml the
 * owners of the file paths some dependency names. Everything else is
 * skipped without being decoded.
 */
import { FerryError } from '../errors.js';
import { FastXml } from './fast-xml.js';
import { makeEvr } from './reldep.js';
import { RepoPackagesBuilder, type DependencyEntry } from './repo-packages.js';

const ENTRY_ATTRS = ['name', 'flags', 'epoch', 'ver', 'rel'] as const;
const VERSION_ATTRS = ['epoch', 'ver', 'rel'] as const;

export interface ScannedPrimary {
  readonly builder: RepoPackagesBuilder;
  /** Package ids (checksums) in primary order, to match filelists entries. */
  readonly pkgids: readonly string[];
}

function readEntries(xml: FastXml, section: string, into: DependencyEntry[]): void {
  const attrs: (string | undefined)[] = [];
  for (;;) {
    const kind = xml.next();
    if (kind === 'end') throw xml.error(`<${section}> is not closed`);
    if (kind === 'close') {
      if (xml.tag() !== section) throw xml.error(`</${xml.tag()}> closes <${section}>`);
      return;
    }
    if (xml.tag() === 'rpm:entry') {
      xml.readAttrs(ENTRY_ATTRS, attrs);
      const name = attrs[0];
      if (name !== undefined && name !== '') {
        into.push({ name, flags: attrs[1], epoch: attrs[2], version: attrs[3], release: attrs[4] });
      }
    }
    if (kind === 'open') xml.skipElement();
  }
}

function readFormat(xml: FastXml, provides: DependencyEntry[], requires: DependencyEntry[]): void {
  for (;;) {
    const kind = xml.next();
    if (kind === 'end') throw xml.error('<format> is not closed');
    if (kind === 'close') return;
    if (kind === 'empty') continue;
    if (xml.tag() === 'rpm:provides') readEntries(xml, 'rpm:provides', provides);
    else if (xml.tag() === 'rpm:requires') readEntries(xml, 'rpm:requires', requires);
    else xml.skipElement();
  }
}

function readPackage(xml: FastXml, builder: RepoPackagesBuilder, pkgids: string[]): void {
  let name: string | undefined;
  let arch = '';
  let evr = '';
  let pkgid = '';
  const provides: DependencyEntry[] = [];
  const requires: DependencyEntry[] = [];
  const attrs: (string | undefined)[] = [];
  for (;;) {
    const kind = xml.next();
    if (kind === 'end') throw xml.error('<package> is not closed');
    if (kind === 'close') break;
    switch (xml.tag()) {
      case 'name':
        if (kind === 'open') name = xml.readText();
        break;
      case 'arch':
        if (kind === 'open') arch = xml.readText();
        break;
      case 'version':
        xml.readAttrs(VERSION_ATTRS, attrs);
        evr = makeEvr(attrs[0], attrs[1], attrs[2]);
        if (kind === 'open') xml.skipElement();
        break;
      case 'checksum':
        if (kind === 'open') pkgid = xml.readText().trim();
        break;
      case 'format':
        if (kind === 'open') readFormat(xml, provides, requires);
        break;
      default:
        if (kind === 'open') xml.skipElement();
    }
  }
  if (name === undefined || name === '') throw xml.error('<package> without a <name>');
  builder.beginPackage(name, arch === '' ? 'noarch' : arch, evr);
  for (const dep of provides) builder.addProvide(dep);
  for (const dep of requires) builder.addRequire(dep);
  builder.endPackage();
  pkgids.push(pkgid);
}

/** Reads primary.xml text; `file` names it in errors. */
export function scanPrimary(text: string, file: string): ScannedPrimary {
  const xml = new FastXml(text, file);
  if (xml.next() !== 'open' || xml.tag() !== 'metadata') {
    throw xml.error('not a primary.xml: the root element is not <metadata>');
  }
  const builder = new RepoPackagesBuilder();
  const pkgids: string[] = [];
  for (;;) {
    const kind = xml.next();
    if (kind === 'end') throw xml.error('<metadata> is not closed');
    if (kind === 'close') break;
    if (kind === 'open' && xml.tag() === 'package') readPackage(xml, builder, pkgids);
    else if (kind === 'open') xml.skipElement();
  }
  return { builder, pkgids };
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
  if (xml.next() !== 'open' || xml.tag() !== 'filelists') {
    throw xml.error('not a filelists.xml: the root element is not <filelists>');
  }
  const owners = new Map<string, number[]>();
  let byId: Map<string, number> | undefined;
  let position = 0;
  for (;;) {
    const kind = xml.next();
    if (kind === 'end') throw xml.error('<filelists> is not closed');
    if (kind === 'close') break;
    if (xml.tag() !== 'package') {
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
      if (xml.tag() !== 'file') {
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

/** FERRY_REPODATA_INVALID for a repository whose files disagree. */
export function inconsistent(message: string, file: string): FerryError {
  return new FerryError('FERRY_REPODATA_INVALID', message, { file });
}
