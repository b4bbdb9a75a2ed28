export {
  ALLOWED_GIT_PROTOCOLS,
  assertCommitHash,
  assertRefName,
  assertRemoteUrl,
  isCommitHash,
  isRefName,
  shortHash,
} from './git-refs.js';
export { gitOutput, gitSucceeds, runGit, type GitOptions } from './git-command.js';
export {
  packageSourcePaths,
  refreshMirror,
  type PackageSourcePaths,
  type RefreshMirrorOptions,
  type RefreshMirrorResult,
} from './git-mirror.js';
export {
  DEFAULT_BRANCH_FALLBACKS,
  REF_KINDS,
  branchCandidates,
  listRefs,
  pickRef,
  resolveBranch,
  type BranchFallbackOptions,
  type RefCandidate,
  type RefEntry,
  type RefKind,
  type ResolvedRef,
} from './branch-resolution.js';
export {
  NEW_COMMITS_MODES,
  commitInfo,
  commitRange,
  isAncestor,
  listNewCommits,
  mergeByCommitTime,
  resolveCommit,
  type CommitRange,
  type CommitSummary,
  type LastProcessed,
  type NewCommits,
  type NewCommitsMode,
  type NewCommitsQuery,
} from './commit-log.js';
export {
  TREE_ENTRY_TYPES,
  archiveCommit,
  assertTreePath,
  exportTree,
  listFilesAt,
  readFileAt,
  requireFileAt,
  type ArchiveOptions,
  type TreeEntry,
  type TreeEntryType,
} from './git-tree.js';
export { describeCommit, type DescribeOptions } from './git-describe.js';
export {
  checkoutBranch,
  commitFiles,
  createBranch,
  createTag,
  initRepository,
  mergeBranch,
  type CommitFilesOptions,
  type CommitIdentity,
} from './git-authoring.js';
