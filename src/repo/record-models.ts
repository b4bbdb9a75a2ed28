/**
 * Package models back from records' cached XML fragments, for the rare
 * consumer (a repodata extension building from whole models) that needs them
 * for packages this run did not read from their .rpm.
 */
import type { RpmPackage } from '../rpm/package.js';
import type { PackageRecord } from './package-record.js';
import { attachSecondary, parseFilelists, parseOther, parsePrimary } from './repodata-parse.js';
import { metadataHead, metadataTail, type MetadataKind } from './repodata-xml.js';

const decoder = new TextDecoder();

function document(records: readonly PackageRecord[], kind: MetadataKind): string {
  let text = metadataHead(kind, records.length);
  for (const record of records) text += decoder.decode(record[kind]);
  return text + metadataTail(kind);
}

/** Parses the fragments of `records` into models, in the same order. */
export function parseRecords(records: readonly PackageRecord[]): Promise<RpmPackage[]> {
  const packages = parsePrimary(document(records, 'primary'), '(cached primary fragments)');
  attachSecondary(
    packages,
    parseFilelists(document(records, 'filelists'), '(cached filelists fragments)'),
    (pkg, files) => {
      pkg.files = files;
    },
  );
  attachSecondary(
    packages,
    parseOther(document(records, 'other'), '(cached other fragments)'),
    (pkg, entries) => {
      pkg.changelogs = entries;
    },
  );
  return Promise.resolve(packages);
}
