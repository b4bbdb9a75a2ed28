/** Reports over the store and the repos/ tree: `ferry status`, the static HTML report, `ferry diff`. */
export {
  PACKAGE_STATES,
  packageStatus,
  summarize,
  summarizeBuild,
  type BuildSummary,
  type LabelStatus,
  type PackageBuilds,
  type PackageState,
  type PackageStatus,
  type ReportCommit,
  type StatusReport,
  type StatusSummary,
} from './package-status.js';
export { collectLabels, collectStatus, type StatusPackage, type StatusStore } from './collect-status.js';
export { snapshotGaps } from './snapshot-check.js';
export {
  checkWorkspace,
  WORKSPACE_PROBLEM_KINDS,
  type WorkspacePaths,
  type WorkspaceProblem,
  type WorkspaceProblemKind,
} from './workspace-checks.js';
export {
  escapeHtml,
  formatTime,
  renderBuildReport,
  renderStatusCsv,
  renderStatusReport,
  renderStyles,
  upstreamCommitUrl,
  type HtmlReportOptions,
} from './html-report.js';
export { REPORT_BUILDS, writeReports } from './write-reports.js';
export {
  addedChangelog,
  compareVersions,
  PACKAGE_CHANGES,
  type ChangelogAddition,
  type PackageChange,
  type PackageDiff,
  type RangeCommit,
  type SnapshotPackage,
} from './snapshot-diff.js';
export {
  diffSnapshots,
  resolveSnapshot,
  specChangelog,
  type DiffReport,
  type DiffStore,
  type ResolvedSnapshot,
} from './diff-snapshots.js';
export { failureCause } from './failure-cause.js';
export { renderDiffText } from './diff-text.js';
