import type { SnapshotCommit } from '../layout/index.js';
import type { StoreApi } from '../store/index.js';
import type { Authenticator } from './auth/authenticator.js';
import type { RouteRegistry } from './define-route.js';
import type { KeyedMutex } from './keyed-mutex.js';
import type { CountsCache } from './metrics/counts-cache.js';
import type { ApiMetrics } from './metrics/prometheus.js';
import type { Promoter } from './services/promoter.js';
import type { VoteBatcher } from './services/vote-batcher.js';

/** Everything a route plugin uses: the resolved dependencies and the app's shared services. */
export interface ApiContext {
  readonly store: StoreApi;
  readonly reposDir: string;
  /** baseurl without a trailing slash. */
  readonly baseurl: string;
  readonly protectReads: boolean;
  readonly clock: () => number;
  readonly reponame: string;
  readonly title: string;
  readonly components: () => Promise<readonly string[]>;
  readonly packages: () => Promise<readonly string[]>;
  readonly fetch: typeof fetch;
  readonly downloadTimeoutMs: number;
  readonly publishImported: ((commit: SnapshotCommit, dir: string) => Promise<void>) | undefined;
  readonly routes: RouteRegistry;
  readonly auth: Authenticator;
  readonly promoter: Promoter;
  /** Records CI votes; those arriving together share one transaction. */
  readonly votes: VoteBatcher;
  readonly counts: CountsCache;
  readonly metrics: ApiMetrics;
  readonly mutex: KeyedMutex;
}

/** Plugin options of every route plugin. */
export interface RoutePluginOptions {
  readonly ctx: ApiContext;
}
