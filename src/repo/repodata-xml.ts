/**
 * Renders one package's primary, filelists and other XML exactly as
 * createrepo_c writes it (src/xml_dump_primary.c, xml_dump_filelists.c,
 * xml_dump_other.c through libxml2's pretty printer): same elements, order,
 * indentation, empty elements and escaping. Fragments are pure functions of
 * the package, so they can be cached and reused as bytes.
 */
import { isPrimaryFile } from '../rpm/package-from-header.js';
import type { Dependency, RpmPackage } from '../rpm/package.js';
import { escapeAttr as attr, escapeText as text } from './xml-escape.js';

export const PRIMARY_NS = 'http://linux.duke.edu/metadata/common';
export const FILELISTS_NS = 'http://linux.duke.edu/metadata/filelists';
export const OTHER_NS = 'http://linux.duke.edu/metadata/other';
export const RPM_NS = 'http://linux.duke.edu/metadata/rpm';
export const REPO_NS = 'http://linux.duke.edu/metadata/repo';

export const METADATA_KINDS = ['primary', 'filelists', 'other'] as const;
export type MetadataKind = (typeof METADATA_KINDS)[number];

const XML_DECL = '<?xml version="1.0" encoding="UTF-8"?>\n';

/** The lines before the first package of a metadata file. */
export function metadataHead(kind: MetadataKind, packageCount: number): string {
  switch (kind) {
    case 'primary':
      return `${XML_DECL}<metadata xmlns="${PRIMARY_NS}" xmlns:rpm="${RPM_NS}" packages="${packageCount}">\n`;
    case 'filelists':
      return `${XML_DECL}<filelists xmlns="${FILELISTS_NS}" packages="${packageCount}">\n`;
    default:
      return `${XML_DECL}<otherdata xmlns="${OTHER_NS}" packages="${packageCount}">\n`;
  }
}

/** The closing tag after the last package (createrepo_c writes no final newline). */
export function metadataTail(kind: MetadataKind): string {
  return kind === 'primary' ? '</metadata>' : kind === 'filelists' ? '</filelists>' : '</otherdata>';
}

function dependencyList(element: string, deps: readonly Dependency[], withPre: boolean): string {
  if (deps.length === 0) return '';
  let out = '';
  for (const dep of deps) {
    if (dep.name === '') continue;
    out += `      <rpm:entry name="${attr(dep.name)}"`;
    if (dep.flags) {
      out += ` flags="${dep.flags}"`;
      if (dep.epoch) out += ` epoch="${attr(dep.epoch)}"`;
      if (dep.version) out += ` ver="${attr(dep.version)}"`;
      if (dep.release) out += ` rel="${attr(dep.release)}"`;
    }
    if (withPre && dep.pre) out += ' pre="1"';
    out += '/>\n';
  }
  return out === '' ? `    <rpm:${element}/>\n` : `    <rpm:${element}>\n${out}    </rpm:${element}>\n`;
}

function fileLine(indent: string, path: string, type: string): string {
  return type === 'file'
    ? `${indent}<file>${text(path)}</file>\n`
    : `${indent}<file type="${type}">${text(path)}</file>\n`;
}

/** One `<package>` of primary.xml, with its trailing newline. */
export function renderPrimary(pkg: RpmPackage): string {
  let out =
    `<package type="rpm">\n` +
    `  <name>${text(pkg.name)}</name>\n` +
    `  <arch>${text(pkg.arch)}</arch>\n` +
    `  <version epoch="${pkg.epoch}" ver="${attr(pkg.version)}" rel="${attr(pkg.release)}"/>\n` +
    `  <checksum type="${pkg.checksum.type}" pkgid="YES">${text(pkg.checksum.value)}</checksum>\n` +
    `  <summary>${text(pkg.summary)}</summary>\n` +
    `  <description>${text(pkg.description)}</description>\n` +
    `  <packager>${text(pkg.packager)}</packager>\n` +
    `  <url>${text(pkg.url)}</url>\n` +
    `  <time file="${pkg.timeFile}" build="${pkg.timeBuild}"/>\n` +
    `  <size package="${pkg.sizePackage}" installed="${pkg.sizeInstalled}" archive="${pkg.sizeArchive}"/>\n`;
  if (pkg.locationBase) {
    const base = pkg.locationBase.startsWith('/') ? `file://${pkg.locationBase}` : pkg.locationBase;
    out += `  <location xml:base="${attr(base)}" href="${attr(pkg.locationHref)}"/>\n`;
  } else {
    out += `  <location href="${attr(pkg.locationHref)}"/>\n`;
  }
  out +=
    `  <format>\n` +
    `    <rpm:license>${text(pkg.license)}</rpm:license>\n` +
    `    <rpm:vendor>${text(pkg.vendor)}</rpm:vendor>\n` +
    `    <rpm:group>${text(pkg.group)}</rpm:group>\n` +
    `    <rpm:buildhost>${text(pkg.buildhost)}</rpm:buildhost>\n` +
    `    <rpm:sourcerpm>${text(pkg.sourcerpm)}</rpm:sourcerpm>\n` +
    `    <rpm:header-range start="${pkg.headerStart}" end="${pkg.headerEnd}"/>\n` +
    dependencyList('provides', pkg.provides, false) +
    dependencyList('requires', pkg.requires, true) +
    dependencyList('conflicts', pkg.conflicts, false) +
    dependencyList('obsoletes', pkg.obsoletes, false) +
    dependencyList('suggests', pkg.suggests, false) +
    dependencyList('enhances', pkg.enhances, false) +
    dependencyList('recommends', pkg.recommends, false) +
    dependencyList('supplements', pkg.supplements, false);
  for (const file of pkg.files) {
    if (isPrimaryFile(file.path)) out += fileLine('    ', file.path, file.type);
  }
  return `${out}  </format>\n</package>\n`;
}

function packageOpen(pkg: RpmPackage): string {
  return (
    `<package pkgid="${attr(pkg.checksum.value)}" name="${attr(pkg.name)}" arch="${attr(pkg.arch)}">\n` +
    `  <version epoch="${pkg.epoch}" ver="${attr(pkg.version)}" rel="${attr(pkg.release)}"/>\n`
  );
}

/** One `<package>` of filelists.xml. */
export function renderFilelists(pkg: RpmPackage): string {
  let out = packageOpen(pkg);
  for (const file of pkg.files) out += fileLine('  ', file.path, file.type);
  return `${out}</package>\n`;
}

/** One `<package>` of other.xml; the model's changelog is newest first, the file oldest first. */
export function renderOther(pkg: RpmPackage): string {
  let out = packageOpen(pkg);
  for (let i = pkg.changelogs.length - 1; i >= 0; i--) {
    const entry = pkg.changelogs[i]!;
    out += `  <changelog author="${attr(entry.author)}" date="${entry.date}">${text(entry.text)}</changelog>\n`;
  }
  return `${out}</package>\n`;
}

/** All three fragments of a package. */
export function renderFragments(pkg: RpmPackage): Record<MetadataKind, string> {
  return { primary: renderPrimary(pkg), filelists: renderFilelists(pkg), other: renderOther(pkg) };
}
