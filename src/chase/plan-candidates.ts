import type { BuildCandidate, CandidateReason, ChasePackage } from './chase-model.js';

/** What the store says about a package's last build (the fields the plan needs). */
export interface LastBuildInfo {
  readonly commitHash: string;
  readonly distroHash: string;
  readonly extendedHash: string | null;
  readonly commitBranch: string | null;
  readonly dtCommit: number | null;
  readonly status: string;
}

/** An upstream commit as git lists it. */
export interface UpstreamCommit {
  readonly hash: string;
  readonly commitTime: number;
  readonly subject: string;
}

/** What discovery found for one package. */
export interface PackageScan {
  readonly pkg: ChasePackage;
  /** The branch actually followed (after fallbacks). */
  readonly branch: string;
  /** The upstream commits after the last processed one, oldest first (only the head on a first build). */
  readonly upstream: readonly UpstreamCommit[];
  /** The head of the followed branch (to rebuild it when only the distgit changed). */
  readonly head: UpstreamCommit;
  readonly distroHash: string;
  readonly dtDistro: number;
  /** The newest processed build (RETRY excluded), if any. */
  readonly lastProcessed: LastBuildInfo | undefined;
  /** Whether the upstream list came from a branch other than the last build's (head-only then). */
  readonly branchSwitched: boolean;
  readonly headOnly: boolean;
}

/**
 * The builds to queue for one package (pure). New upstream commits are built
 * with the current distgit; when there is none but the distgit moved since the
 * last build, the last upstream commit is rebuilt with the new distgit (a
 * packaging-only change). Head-only mode and a switched branch keep the newest
 * commit only. The caller drops candidates already built (the store's
 * `isAlreadyBuilt`).
 */
export function planPackageCandidates(scan: PackageScan): BuildCandidate[] {
  const { pkg, lastProcessed } = scan;
  const make = (commit: UpstreamCommit, reason: CandidateReason): BuildCandidate => ({
    packageName: pkg.name,
    commitHash: commit.hash,
    commitTime: commit.commitTime,
    subject: commit.subject,
    commitBranch: scan.branch,
    distroHash: scan.distroHash,
    dtDistro: scan.dtDistro,
    extendedHash: null,
    component: pkg.component,
    reason,
  });
  if (lastProcessed === undefined) return scan.upstream.slice(-1).map((c) => make(c, 'first-build'));
  let commits = scan.upstream;
  if (scan.headOnly || scan.branchSwitched) commits = commits.slice(-1);
  if (commits.length > 0) {
    return commits.map((c) => make(c, scan.branchSwitched ? 'branch-switch' : 'new-commit'));
  }
  if (lastProcessed.distroHash !== scan.distroHash) {
    // Rebuild what the last build had upstream, with the new packaging. The
    // head is that commit unless the branch was rewritten: then build the head.
    const rebuilt: UpstreamCommit =
      lastProcessed.commitHash === scan.head.hash || lastProcessed.dtCommit === null
        ? scan.head
        : { ...scan.head, hash: lastProcessed.commitHash, commitTime: lastProcessed.dtCommit };
    return [make(rebuilt, 'distgit-change')];
  }
  return [];
}

/** DLRN's known transient errors (dlrn/utils.py re_known_errors): a build log matching one is RETRY. */
export const DEFAULT_RETRY_PATTERNS: readonly string[] = [
  'Error: Nothing to do',
  'Error downloading packages',
  'No more mirrors to try',
  'Cannot retrieve metalink for repository',
  'Could not retrieve mirrorlist',
  'Failed to synchronize cache for repo',
  'No route to host',
  'Device or resource busy',
  'Could not resolve host',
  'Temporary failure in name resolution',
  'distroinfo.exception.CommandFailed: Command failed with return code 128: git',
  'Error fetching remote',
  'Connection timed out',
];

/**
 * RETRY or FAILED for a failed build (pure): RETRY when a line of the log
 * matches one of the patterns (regular expressions) and the commit was retried
 * fewer than `maxRetries` times, as DLRN decides.
 */
export function classifyFailure(
  log: string,
  patterns: readonly string[],
  retriesSoFar: number,
  maxRetries: number,
): 'RETRY' | 'FAILED' {
  if (retriesSoFar >= maxRetries || patterns.length === 0) return 'FAILED';
  // ferry.yaml's patterns are checked at load; a pattern that does not compile anyway
  // (given in code) matches nothing rather than replacing the build's real failure.
  const regexes = patterns.flatMap((p) => {
    try {
      return [new RegExp(p)];
    } catch {
      return [];
    }
  });
  for (const line of log.split('\n')) {
    const trimmed = line.trim();
    if (regexes.some((re) => re.test(trimmed))) return 'RETRY';
  }
  return 'FAILED';
}

/** The last `maxLines` lines of a log, at most `maxBytes` characters: what a FAILED commit's notes keep. */
export function logTail(log: string, maxLines = 50, maxChars = 8000): string {
  const lines = log.trimEnd().split('\n');
  const tail = lines.slice(-maxLines).join('\n');
  return tail.length > maxChars ? tail.slice(tail.length - maxChars) : tail;
}
