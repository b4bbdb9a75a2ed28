import { basename } from 'node:path';

import { isFerryError } from '../../errors.js';
import { parseCommitYaml, shardedCommitDir, type SnapshotCommit } from '../../layout/index.js';
import { describeAcceptedTimes, isAcceptedTime } from '../../util/time-range.js';
import { isSafeName } from '../../util/names.js';
import { FIELD_LIMITS } from '../schemas/wire-types.js';

/** A full git commit id (SHA-1 or SHA-256), as every build of the remote instance carries. */
const GIT_HASH = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
/** DLRN's extended hash: one hash, or two joined by `_` (pkginfo drivers with two repositories). */
const EXTENDED_HASH = /^[0-9a-f]{7,64}(?:_[0-9a-f]{7,64})?$/;
const MAX_ARTIFACTS = 1000;
const MAX_VERSIONS_CSV = 1024 * 1024;

/** Control characters but tab and newlines. */
function hasControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if ((code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) || code === 0x7f) return true;
  }
  return false;
}

/** One remote build that passed every check, with the file names of its RPMs. */
export interface ImportedCommit {
  readonly commit: SnapshotCommit;
  /** Plain `.rpm` file names (no path), unique; empty for a FAILED build. */
  readonly rpms: readonly string[];
}

/** The RPM file names of a SUCCESS build's artifacts, or the problems with them. */
function artifactNames(commit: SnapshotCommit, problems: string[]): string[] {
  const paths = (commit.artifacts ?? '')
    .split(',')
    .map((path) => path.trim())
    .filter((path) => path !== '' && path !== 'None');
  if (paths.length === 0) problems.push('artifacts: a successful build lists no RPM');
  if (paths.length > MAX_ARTIFACTS) problems.push(`artifacts: more than ${MAX_ARTIFACTS} files`);
  const names: string[] = [];
  for (const path of paths.slice(0, MAX_ARTIFACTS)) {
    const name = basename(path);
    if (
      path.split('/').some((part) => part === '..' || part === '.') ||
      !isSafeName(name) ||
      !name.endsWith('.rpm')
    ) {
      problems.push(
        `artifacts: invalid artifact ${JSON.stringify(path.slice(0, 300))} (a plain .rpm file name)`,
      );
    } else if (names.includes(name)) {
      problems.push(`artifacts: ${name} is listed twice`);
    } else {
      names.push(name);
    }
  }
  return names;
}

/** A text field: bounded; no NUL (PostgreSQL refuses it); `strict`: no control character at all (a branch name). */
function checkText(
  value: string | null,
  field: string,
  max: number,
  problems: string[],
  strict = false,
): void {
  if (value === null) return;
  if (value.length > max) problems.push(`${field}: at most ${max} characters`);
  else if (strict ? hasControl(value) : value.includes('\u0000')) {
    problems.push(`${field}: must not contain ${strict ? 'control characters' : 'NUL characters'}`);
  }
}

function checkTime(
  value: number | null,
  field: string,
  now: number,
  problems: string[],
  required: boolean,
): void {
  if (value === null) {
    if (required) problems.push(`${field}: missing`);
    return;
  }
  // DLRN writes dt_commit as a float ('1700000000.0'): whole seconds are what the store keeps.
  if (!Number.isFinite(value) || !isAcceptedTime(Math.floor(value), now)) {
    problems.push(`${field}: ${value} is out of range (${describeAcceptedTimes(now)})`);
  }
}

/** Every problem of one remote build, by field (pure). */
export function commitProblems(commit: SnapshotCommit, now: number): string[] {
  const problems: string[] = [];
  if (!isSafeName(commit.projectName) || commit.projectName.length > FIELD_LIMITS.name) {
    problems.push(`project_name: ${JSON.stringify(commit.projectName.slice(0, 300))} is not a package name`);
  }
  if (!GIT_HASH.test(commit.commitHash))
    problems.push('commit_hash: expected a full git commit hash (40 or 64 hex digits)');
  if (commit.distroHash === null || !GIT_HASH.test(commit.distroHash)) {
    problems.push('distro_hash: expected a full git commit hash (40 or 64 hex digits)');
  }
  if (commit.extendedHash !== null && !EXTENDED_HASH.test(commit.extendedHash)) {
    problems.push('extended_hash: expected a hash, or two joined by "_"');
  }
  if (
    commit.component !== null &&
    (!isSafeName(commit.component) || commit.component.length > FIELD_LIMITS.component)
  ) {
    problems.push(`component: ${JSON.stringify(commit.component.slice(0, 300))} is not a component name`);
  }
  if (commit.type !== 'rpm' && commit.type !== 'container') {
    problems.push(`type: ${JSON.stringify(commit.type.slice(0, 100))} (rpm or container)`);
  }
  if (commit.status === 'RETRY')
    problems.push('status: a RETRY build is not finished; import its final build');
  checkTime(commit.dtCommit, 'dt_commit', now, problems, true);
  checkTime(commit.dtDistro, 'dt_distro', now, problems, true);
  checkTime(commit.dtExtended, 'dt_extended', now, problems, false);
  checkTime(commit.dtBuild, 'dt_build', now, problems, true);
  checkText(commit.commitBranch, 'commit_branch', FIELD_LIMITS.name, problems, true);
  checkText(commit.notes, 'notes', FIELD_LIMITS.notes, problems);
  checkText(commit.versionsCsv, 'versions_csv', MAX_VERSIONS_CSV, problems);
  return problems;
}

/** Thrown (as a 400 by the caller) when a remote snapshot cannot be imported: every reason found. */
export class RefusedImport extends Error {
  readonly problems: readonly string[];

  constructor(where: string, problems: readonly string[]) {
    super(`Remote import refused: ${where}: ${problems.join('; ')}`);
    this.name = 'RefusedImport';
    this.problems = problems;
  }
}

/**
 * Reads and checks a remote snapshot's commit.yaml before anything is
 * downloaded or written (pure): exactly one build, full git hashes, a safe
 * package and component name, SUCCESS or FAILED, every time within the
 * accepted range (util/time-range), text fields bounded and free of control
 * characters, and for a SUCCESS build a non-empty list of plain, unique `.rpm`
 * file names. Throws RefusedImport naming every problem.
 */
export function checkImportedCommitYaml(text: string, source: string, now: number): ImportedCommit {
  let commits: SnapshotCommit[];
  try {
    commits = parseCommitYaml(text, source);
  } catch (error) {
    const message = (error as Error).message.split('\n')[0]!;
    const at =
      isFerryError(error) && error.line !== undefined
        ? `line ${error.line}${error.column === undefined ? '' : `, column ${error.column}`}: `
        : '';
    throw new RefusedImport(source, [`${at}${message}`]);
  }
  if (commits.length !== 1) {
    throw new RefusedImport(source, [
      `commits: a snapshot's commit.yaml holds one build, this one ${commits.length}`,
    ]);
  }
  const commit = commits[0]!;
  const problems = commitProblems(commit, now);
  const rpms = commit.status === 'SUCCESS' ? artifactNames(commit, problems) : [];
  if (problems.length === 0) {
    try {
      shardedCommitDir(commit);
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  if (problems.length > 0) throw new RefusedImport(source, problems);
  return { commit, rpms };
}
