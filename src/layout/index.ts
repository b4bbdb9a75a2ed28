/**
 * The on-disk layout of a workspace's `repos/` tree, compatible with DLRN's:
 * snapshot directories, labels, and the files consumers read in them
 * (`commit.yaml`, `versions.csv`, `delorean.repo`, the component aggregate).
 */
export {
  componentPrefix,
  labelBaseDir,
  shardedCommitDir,
  snapshotDir,
  snapshotName,
  type SnapshotRef,
} from './snapshot-path.js';
export {
  assertLabelName,
  CHASER_LABELS,
  isChaserLabel,
  isValidLabelName,
  labelPath,
  listLabels,
  readLabel,
  removeLabel,
  RESERVED_LABEL_NAMES,
  switchLabel,
  type ChaserLabel,
  type LabelTarget,
} from './labels.js';
export {
  BUILD_STATUSES,
  commitYamlFields,
  isBuildStatus,
  parseCommitYaml,
  renderCommitYaml,
  snapshotIdentity,
  type BuildStatus,
  type SnapshotCommit,
} from './commit-yaml.js';
export {
  nvrFromArtifacts,
  parseVersionsCsv,
  renderVersionsCsv,
  renderVersionsRow,
  VERSIONS_CSV_HEADER,
  type VersionsRow,
} from './versions-csv.js';
export { DEFAULT_REPONAME, renderDeloreanRepo, type RepoFileInput } from './delorean-repo.js';
export {
  aggregateContent,
  aggregateLabels,
  checkAggregateRepo,
  readAggregateHash,
  writeAggregateRepo,
  type AggregateCheck,
  type AggregateResult,
} from './aggregate-repo.js';
export {
  findStaleAsideFiles,
  removeStaleAsideFiles,
  sweepStaleAsideFiles,
  temporaryDirectories,
} from './stale-aside.js';
export { dumpListOfMaps } from './pyyaml-dump.js';
