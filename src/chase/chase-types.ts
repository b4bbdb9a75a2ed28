/** What a chaser run works with, what it is asked, and what it reports (ferry chase --json). */
import type { BuildDriver } from '../build/index.js';
import type { Workspace } from '../config/index.js';
import type { StoreApi } from '../store/index.js';
import type { ChaseCatalog } from './catalog-packages.js';
import type { BuildCandidate } from './chase-model.js';
import type { RecoveryReport } from './recovery.js';
import type { RepodataPort } from './snapshot-stage.js';

/** Everything a chaser run works with. */
export interface ChaseServices {
  readonly workspace: Workspace;
  readonly store: StoreApi;
  readonly catalog: ChaseCatalog;
  readonly driver: BuildDriver;
  readonly repodata: RepodataPort;
  /** Unix seconds. */
  readonly clock?: () => number;
}

export interface ChaseOptions {
  /** Only these packages (`--package`); every package of the release when absent. */
  readonly packages?: readonly string[];
  /** Build only the newest commit of each package (`--head-only`). */
  readonly headOnly?: boolean;
  /** Builds at once (`--workers`, default ferry.yaml build.workers). */
  readonly workers?: number;
  /** Fetch the upstream and distgit repositories (default true). */
  readonly fetch?: boolean;
  /** Stops the run: no new build starts, running ones are cancelled and redone next time. */
  readonly signal?: AbortSignal;
  readonly onEvent?: (event: ChaseEvent) => void;
}

/** One build of the run, as `ferry chase --json` lists it (docs/json-output.md). */
export interface BuildReport {
  readonly package: string;
  readonly commitHash: string;
  readonly distroHash: string;
  readonly subject: string;
  readonly reason: BuildCandidate['reason'];
  /** SUCCESS, FAILED, RETRY, or ABORTED (stopped by a shutdown; not recorded, built again next run). */
  readonly status: 'SUCCESS' | 'FAILED' | 'RETRY' | 'ABORTED';
  readonly commitId: number | null;
  /** Snapshot directory relative to the workspace. */
  readonly snapshot: string | null;
  readonly version: string | null;
  readonly release: string | null;
  readonly seconds: number;
  readonly notes: string | null;
  /** Labels moved by this build. */
  readonly labels: readonly string[];
  /** Packages whose newest build fails (why `consistent` did not move). */
  readonly failing: readonly string[];
  /** Packages never built yet (also why `consistent` did not move). */
  readonly unbuilt: readonly string[];
}

/** `ferry chase --json`. */
export interface ChaseReport {
  readonly recovery: RecoveryReport;
  readonly packages: number;
  readonly skipped: readonly { readonly package: string; readonly reason: string }[];
  readonly cycles: readonly (readonly string[])[];
  readonly builds: readonly BuildReport[];
  /** True when a stop request (SIGTERM) ended the run early. */
  readonly stopped: boolean;
}

export type ChaseEvent =
  | { readonly type: 'recovered'; readonly report: RecoveryReport }
  | { readonly type: 'skipped'; readonly package: string; readonly reason: string }
  | {
      readonly type: 'queued';
      readonly builds: readonly BuildCandidate[];
      readonly cycles: readonly (readonly string[])[];
    }
  | {
      readonly type: 'started';
      readonly index: number;
      readonly total: number;
      readonly build: BuildCandidate;
    }
  | {
      readonly type: 'published';
      readonly index: number;
      readonly total: number;
      readonly report: BuildReport;
    }
  | { readonly type: 'notify-failed'; readonly package: string; readonly problems: readonly string[] };
