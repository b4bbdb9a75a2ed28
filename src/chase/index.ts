/**
 * The trunk chaser: follows every package's upstream and distgit, builds
 * each new commit, and publishes one snapshot repository per build with the
 * `current` and `consistent` labels (DLRN's job). See docs/chase.md.
 */
export {
  CANDIDATE_REASONS,
  type BuildCandidate,
  type CandidateReason,
  type ChasePackage,
} from './chase-model.js';
export { loadChaseCatalog, toChasePackage, type ChaseCatalog } from './catalog-packages.js';
export {
  chaseOnce,
  publishContextOf,
  stateDirOf,
  writeWorkspaceReports,
  type BuildReport,
  type ChaseEvent,
  type ChaseOptions,
  type ChaseReport,
  type ChaseServices,
} from './chase-run.js';
export { chaseLockPath, openChaseServices, runChaser, type RunChaserOptions } from './chase-service.js';
export {
  classifyFailure,
  DEFAULT_RETRY_PATTERNS,
  logTail,
  planPackageCandidates,
  type LastBuildInfo,
  type PackageScan,
  type UpstreamCommit,
} from './plan-candidates.js';
export { findCycles, planQueue, type BuildQueue, type QueueInput } from './plan-queue.js';
export {
  snapshotContents,
  type BuildRef,
  type SnapshotContents,
  type SnapshotLink,
} from './snapshot-contents.js';
export {
  moveLabels,
  publishBuild,
  toSnapshotCommit,
  type FinishedBuild,
  type PublishContext,
  type PublishResult,
} from './publish-build.js';
export { isCompleteSnapshot, reconcileLabels, recoverWorkspace, type RecoveryReport } from './recovery.js';
export { acquireWorkspaceLock, lockHolder, type LockOwner, type WorkspaceLock } from './workspace-lock.js';
export { recheckPackage, type RecheckResult } from './recheck.js';
export {
  planPurge,
  purgeOldSnapshots,
  PURGE_MODES,
  type PurgeMode,
  type PurgePlan,
  type PurgeReport,
} from './purge.js';
export { sendFailureNotice, type FailureNotice } from './notify.js';
export { KILL_POINTS, type KillPoint } from './kill-points.js';
export { libraryRepodata } from './snapshot-repodata.js';
export type { RepodataPort } from './snapshot-stage.js';
