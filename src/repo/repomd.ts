/**
 * repomd.xml, the index of a repository's metadata files: rendering in
 * createrepo_c's layout and parsing (any order of records, extra elements
 * such as zchunk header checksums or tags kept out of the way).
 */
import { FerryError } from '../errors.js';
import { REPO_NS, RPM_NS } from './repodata-xml.js';
import { escapeAttr, escapeText } from './xml-escape.js';
import { XmlScanner } from './xml-scanner.js';

/** One `<data>` record. */
export interface RepomdRecord {
  /** `primary`, `filelists`, `other`, `primary_zck`, or an extension's type. */
  readonly type: string;
  readonly checksum: { readonly type: string; readonly value: string };
  readonly openChecksum?: { readonly type: string; readonly value: string };
  /** Relative to the repository root, e.g. `repodata/<sha>-primary.xml.gz`. */
  readonly href: string;
  readonly timestamp?: number;
  readonly size?: number;
  readonly openSize?: number;
}

export interface Repomd {
  readonly revision: string;
  readonly records: readonly RepomdRecord[];
}

/** repomd.xml text, laid out as createrepo_c writes it. */
export function renderRepomd(repomd: Repomd): string {
  let out =
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<repomd xmlns="${REPO_NS}" xmlns:rpm="${RPM_NS}">\n` +
    `  <revision>${escapeText(repomd.revision)}</revision>\n`;
  for (const record of repomd.records) {
    out += `  <data type="${escapeAttr(record.type)}">\n`;
    out += `    <checksum type="${escapeAttr(record.checksum.type)}">${record.checksum.value}</checksum>\n`;
    if (record.openChecksum) {
      out += `    <open-checksum type="${escapeAttr(record.openChecksum.type)}">${record.openChecksum.value}</open-checksum>\n`;
    }
    out += `    <location href="${escapeAttr(record.href)}"/>\n`;
    if (record.timestamp !== undefined) out += `    <timestamp>${record.timestamp}</timestamp>\n`;
    if (record.size !== undefined) out += `    <size>${record.size}</size>\n`;
    if (record.openSize !== undefined) out += `    <open-size>${record.openSize}</open-size>\n`;
    out += '  </data>\n';
  }
  return `${out}</repomd>\n`;
}

function integer(scanner: XmlScanner, what: string): number {
  const text = scanner.readText().trim();
  if (!/^\d+$/.test(text)) throw scanner.error(`<${what}> is not a number: ${JSON.stringify(text)}`);
  return Number(text);
}

/** Parses repomd.xml; `file` names it in errors. */
export function parseRepomd(text: string, file: string): Repomd {
  const scanner = new XmlScanner(text, file);
  if (scanner.next() !== 'open' || scanner.name !== 'repomd') {
    throw scanner.error('not a repomd.xml: the root element is not <repomd>');
  }
  let revision = '';
  const records: RepomdRecord[] = [];
  for (let event = scanner.next(); event !== 'close'; event = scanner.next()) {
    if (event !== 'open') throw scanner.error('unexpected text in <repomd>');
    const name: string = scanner.name;
    if (name === 'revision') revision = scanner.readText().trim();
    else if (name === 'data') records.push(parseData(scanner));
    else scanner.skipElement();
  }
  return { revision, records };
}

function parseData(scanner: XmlScanner): RepomdRecord {
  const type = scanner.attr('type');
  if (!type) throw scanner.error('<data> without a type attribute');
  let checksum: RepomdRecord['checksum'] | undefined;
  let openChecksum: RepomdRecord['openChecksum'];
  let href: string | undefined;
  let timestamp: number | undefined;
  let size: number | undefined;
  let openSize: number | undefined;
  for (let event = scanner.next(); event !== 'close'; event = scanner.next()) {
    if (event !== 'open') throw scanner.error(`unexpected text in <data type="${type}">`);
    switch (scanner.name) {
      case 'checksum':
      case 'open-checksum': {
        const name = scanner.name;
        const sumType = scanner.attr('type') ?? 'sha256';
        const value = {
          type: sumType === 'sha' ? 'sha1' : sumType,
          value: scanner.readText().trim().toLowerCase(),
        };
        if (name === 'checksum') checksum = value;
        else openChecksum = value;
        break;
      }
      case 'location':
        href = scanner.attr('href');
        scanner.skipElement();
        break;
      case 'timestamp':
        timestamp = integer(scanner, 'timestamp');
        break;
      case 'size':
        size = integer(scanner, 'size');
        break;
      case 'open-size':
        openSize = integer(scanner, 'open-size');
        break;
      default:
        scanner.skipElement();
    }
  }
  if (!checksum) throw scanner.error(`<data type="${type}"> has no <checksum>`);
  if (href === undefined) throw scanner.error(`<data type="${type}"> has no <location href>`);
  return {
    type,
    checksum,
    ...(openChecksum ? { openChecksum } : {}),
    href,
    ...(timestamp === undefined ? {} : { timestamp }),
    ...(size === undefined ? {} : { size }),
    ...(openSize === undefined ? {} : { openSize }),
  };
}

/** The record of a type, or a FERRY_REPODATA_INVALID error naming the repomd file. */
export function requireRecord(repomd: Repomd, type: string, file: string): RepomdRecord {
  const record = repomd.records.find((r) => r.type === type);
  if (!record) throw new FerryError('FERRY_REPODATA_INVALID', `repomd.xml has no "${type}" record`, { file });
  return record;
}
