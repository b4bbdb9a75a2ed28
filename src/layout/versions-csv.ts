import { FerryError } from '../errors.js';

/** The header line DLRN writes at the top of every `versions.csv`. */
export const VERSIONS_CSV_HEADER =
  'Project,Source Repo,Source Sha,Dist Repo,Dist Sha,Status,Last Success Timestamp,Component,Extended Sha,Pkg NVR';

/** One line of `versions.csv`: the build of one package that a snapshot holds. */
export interface VersionsRow {
  readonly project: string;
  /** Upstream repository URL. */
  readonly sourceRepo: string;
  readonly sourceSha: string;
  /** distgit repository URL (rdoinfo's `master-distgit`). */
  readonly distRepo: string;
  readonly distSha: string | null;
  /** Status of the package's latest build (not necessarily of the build listed). */
  readonly status: string;
  /** Build time of the listed build, seconds; null prints `None`. */
  readonly lastSuccessTimestamp: number | null;
  readonly component: string | null;
  readonly extendedSha: string | null;
  /** NVR of the source rpm, empty when there is none. */
  readonly nvr: string;
}

const none = (value: string | number | null): string => (value === null ? 'None' : String(value));

/** One line as DLRN's `dumpshas2file` writes it (Python's `%s` of None is `None`). */
export function renderVersionsRow(row: VersionsRow): string {
  const ts = row.lastSuccessTimestamp === null ? 'None' : String(Math.trunc(row.lastSuccessTimestamp));
  return [
    row.project,
    row.sourceRepo,
    row.sourceSha,
    row.distRepo,
    none(row.distSha),
    row.status,
    ts,
    none(row.component),
    none(row.extendedSha),
    row.nvr,
  ].join(',');
}

/** The whole file: header, then one line per package in the order given. */
export function renderVersionsCsv(rows: readonly VersionsRow[]): string {
  return `${VERSIONS_CSV_HEADER}\n${rows.map((row) => `${renderVersionsRow(row)}\n`).join('')}`;
}

/** Reads a `versions.csv` (DLRN's or ferry's). Blank lines are skipped. */
export function parseVersionsCsv(text: string, file = 'versions.csv'): VersionsRow[] {
  const lines = text.split('\n');
  if (lines[0]?.trimEnd() !== VERSIONS_CSV_HEADER) {
    throw new FerryError('FERRY_REPODATA_INVALID', 'not a versions.csv: unexpected header', {
      file,
      line: 1,
    });
  }
  const rows: VersionsRow[] = [];
  lines.slice(1).forEach((raw, i) => {
    const line = raw.trimEnd();
    if (line === '') return;
    const f = line.split(',');
    if (f.length !== 10) {
      throw new FerryError('FERRY_REPODATA_INVALID', `expected 10 fields, found ${f.length}`, {
        file,
        line: i + 2,
      });
    }
    const nullable = (v: string): string | null => (v === 'None' ? null : v);
    const ts = f[6]!;
    rows.push({
      project: f[0]!,
      sourceRepo: f[1]!,
      sourceSha: f[2]!,
      distRepo: f[3]!,
      distSha: nullable(f[4]!),
      status: f[5]!,
      lastSuccessTimestamp: ts === 'None' || ts === '' ? null : Number(ts),
      component: nullable(f[7]!),
      extendedSha: nullable(f[8]!),
      nvr: f[9]!,
    });
  });
  return rows;
}

/** `name-version-release` of the source rpm in an artifact list, as DLRN's `getNVRfromlist`. */
export function nvrFromArtifacts(artifacts: readonly string[]): string {
  for (const path of artifacts) {
    if (path.endsWith('.src.rpm')) {
      const base = path.slice(path.lastIndexOf('/') + 1);
      return base.slice(0, base.indexOf('.src.rpm'));
    }
  }
  return '';
}
