/**
 * Repository metadata: writing repodata as createrepo_c does (full and
 * incremental), reading it back, and .repo files.
 */
export { indexRepository, type IndexOptions, type IndexResult } from './repo-index.js';
export { updateRepodata, type UpdateRepodataOptions, type UpdateRepodataResult } from './repodata-update.js';
export {
  writeRepodata,
  DEFAULT_COMPRESSION_LEVEL,
  type ExtensionInput,
  type RepodataExtension,
  type WriteRepodataOptions,
  type WrittenRepodata,
} from './repodata-writer.js';
export type { ExtensionBase } from './extension-base.js';
export {
  readRepodata,
  readRepomd,
  readMetadataFile,
  type ReadRepodataOptions,
  type RepodataContents,
} from './repodata-reader.js';
export {
  parsePrimary,
  parseFilelists,
  parseOther,
  type PrimaryPackage,
  type SecondaryEntry,
} from './repodata-parse.js';
export { parseRepomd, renderRepomd, type Repomd, type RepomdRecord } from './repomd.js';
export { decompressMetadata, detectCompression, type Compression } from './decompress.js';
export {
  renderPrimary,
  renderFilelists,
  renderOther,
  metadataHead,
  metadataTail,
  type MetadataKind,
} from './repodata-xml.js';
export { escapeAttr, escapeText } from './xml-escape.js';
export { scanRepository, compareHrefs, type ScannedRpm } from './repo-scan.js';
export {
  readRpms,
  type BrokenRpm,
  type PartSource,
  type ReadJob,
  type ReadPoolOptions,
} from './rpm-read-pool.js';
export {
  recordFromPackage,
  recordRules,
  DEFAULT_RULES,
  type PackageRecord,
  type PartModule,
  type RecordRules,
} from './package-record.js';
export { loadPreviousMetadata, type PreviousMetadata, type PreviousSource } from './previous-metadata.js';
export { CACHE_FILE_NAME } from './repodata-cache.js';
export {
  renderRepoFile,
  writeRepoFile,
  parseRepoFile,
  type RepoSection,
  type ParsedRepoSection,
} from './repo-file.js';
