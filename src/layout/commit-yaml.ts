import { join } from 'node:path';

import { FerryError } from '../errors.js';
import { loadYaml } from '../util/load-yaml.js';
import { readYamlFile } from '../util/yaml-limits.js';
import { dumpListOfMaps } from './pyyaml-dump.js';

export const BUILD_STATUSES = ['SUCCESS', 'FAILED', 'RETRY'] as const;
/** A build's outcome, as DLRN records it. */
export type BuildStatus = (typeof BUILD_STATUSES)[number];

export function isBuildStatus(value: unknown): value is BuildStatus {
  return typeof value === 'string' && (BUILD_STATUSES as readonly string[]).includes(value);
}

/**
 * One build as DLRN's `commits` table holds it, in ferry's naming. This is what
 * `commit.yaml` carries; the store's rows map onto it field by field.
 */
export interface SnapshotCommit {
  readonly id: number;
  /** `rpm` (DLRN also knows `container`). */
  readonly type: string;
  /** Upstream commit time, seconds since the epoch. */
  readonly dtCommit: number;
  /** distgit commit time, seconds. */
  readonly dtDistro: number;
  readonly dtExtended: number | null;
  /** Build start, seconds; null until built. */
  readonly dtBuild: number | null;
  readonly projectName: string;
  readonly repoDir: string | null;
  readonly distgitDir: string | null;
  readonly commitHash: string;
  readonly distroHash: string | null;
  readonly extendedHash: string | null;
  readonly commitBranch: string | null;
  readonly status: BuildStatus;
  readonly component: string | null;
  /** Comma-separated paths relative to the workspace (`repos/xx/yy/<hash>/<file>.rpm`), DLRN's format. */
  readonly artifacts: string | null;
  readonly notes: string | null;
  readonly flags: number;
  readonly versionsCsv: string | null;
}

/** DLRN's column names, in its table order; commit.yaml writes them sorted. */
const COLUMNS = [
  ['id', 'id'],
  ['type', 'type'],
  ['dt_commit', 'dtCommit'],
  ['dt_distro', 'dtDistro'],
  ['dt_extended', 'dtExtended'],
  ['dt_build', 'dtBuild'],
  ['project_name', 'projectName'],
  ['repo_dir', 'repoDir'],
  ['distgit_dir', 'distgitDir'],
  ['commit_hash', 'commitHash'],
  ['distro_hash', 'distroHash'],
  ['extended_hash', 'extendedHash'],
  ['commit_branch', 'commitBranch'],
  ['status', 'status'],
  ['component', 'component'],
  ['artifacts', 'artifacts'],
  ['notes', 'notes'],
  ['flags', 'flags'],
  ['versions_csv', 'versionsCsv'],
] as const satisfies readonly (readonly [string, keyof SnapshotCommit])[];

/** Python's `str()` of the value DLRN holds: `None` for null; dt_commit is a float in DLRN (`'1444139038.0'`). */
function pythonStr(field: keyof SnapshotCommit, value: string | number | null): string {
  if (value === null) return 'None';
  if (typeof value === 'number') {
    if (field === 'dtCommit' && Number.isInteger(value)) return `${value}.0`;
    return String(value);
  }
  return value;
}

/** The string map DLRN's `saveYAML_commit` dumps for one commit. */
export function commitYamlFields(commit: SnapshotCommit): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [column, field] of COLUMNS) fields[column] = pythonStr(field, commit[field]);
  return fields;
}

/**
 * `commit.yaml` exactly as DLRN's `saveYAML_commit` writes it (PyYAML,
 * `default_flow_style=False`): `commits:` holding one mapping of every column
 * as a string, keys sorted.
 */
export function renderCommitYaml(commit: SnapshotCommit): string {
  return dumpListOfMaps('commits', [commitYamlFields(commit)]);
}

function nullable(value: unknown): string | null {
  if (value === undefined || value === null || value === 'None') return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

function numberOf(value: unknown, field: string, file: string): number {
  const n = Number(value);
  if (value === undefined || value === null || value === '' || !Number.isFinite(n)) {
    throw new FerryError('FERRY_REPODATA_INVALID', `${field}: not a number: ${JSON.stringify(value)}`, {
      file,
    });
  }
  return n;
}

/** Reads a `commit.yaml` (ferry's or DLRN's) back into commits. */
export function parseCommitYaml(text: string, file = 'commit.yaml'): SnapshotCommit[] {
  // Within the shared YAML limits (size, nesting, aliases): a remote DLRN's commit.yaml is input too.
  const data = loadYaml(text, file, 'FERRY_REPODATA_INVALID');
  const commits = (data as { commits?: unknown } | null)?.commits;
  if (!Array.isArray(commits)) {
    throw new FerryError('FERRY_REPODATA_INVALID', 'commits: missing or not a list', { file });
  }
  return commits.map((raw: unknown, i): SnapshotCommit => {
    const c = (raw ?? {}) as Record<string, unknown>;
    const status = c.status;
    if (!isBuildStatus(status)) {
      throw new FerryError('FERRY_REPODATA_INVALID', `commits[${i}].status: ${JSON.stringify(status)}`, {
        file,
      });
    }
    const hash = nullable(c.commit_hash);
    if (hash === null)
      throw new FerryError('FERRY_REPODATA_INVALID', `commits[${i}].commit_hash: missing`, { file });
    const optionalNumber = (v: unknown, f: string): number | null =>
      nullable(v) === null ? null : numberOf(v, `commits[${i}].${f}`, file);
    return {
      id: numberOf(c.id ?? 0, `commits[${i}].id`, file),
      type: nullable(c.type) ?? 'rpm',
      dtCommit: numberOf(c.dt_commit, `commits[${i}].dt_commit`, file),
      dtDistro: optionalNumber(c.dt_distro, 'dt_distro') ?? 0,
      dtExtended: optionalNumber(c.dt_extended, 'dt_extended'),
      dtBuild: optionalNumber(c.dt_build, 'dt_build'),
      projectName: nullable(c.project_name) ?? '',
      repoDir: nullable(c.repo_dir),
      distgitDir: nullable(c.distgit_dir),
      commitHash: hash,
      distroHash: nullable(c.distro_hash),
      extendedHash: nullable(c.extended_hash),
      commitBranch: nullable(c.commit_branch),
      status,
      component: nullable(c.component),
      artifacts: nullable(c.artifacts ?? c.rpms),
      notes: nullable(c.notes),
      flags: optionalNumber(c.flags, 'flags') ?? 0,
      versionsCsv: nullable(c.versions_csv),
    };
  });
}

/**
 * The hash and package a snapshot was built for, from its commit.yaml; nulls
 * when the file is missing or unreadable (a snapshot being recovered, or one
 * whose commit.yaml only informs).
 */
export async function snapshotIdentity(
  dir: string,
): Promise<{ commitHash: string | null; project: string | null }> {
  try {
    const file = join(dir, 'commit.yaml');
    const [commit] = parseCommitYaml(await readYamlFile(file, 'FERRY_REPODATA_INVALID'), file);
    return { commitHash: commit?.commitHash ?? null, project: commit?.projectName ?? null };
  } catch {
    return { commitHash: null, project: null };
  }
}
