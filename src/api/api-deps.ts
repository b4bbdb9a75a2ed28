import type { FastifyBaseLogger } from 'fastify';

import type { ScryptParams } from '../auth/index.js';
import type { LoginThrottleOptions } from './auth/login-throttle.js';
import type { SnapshotCommit } from '../layout/index.js';
import type { StoreApi } from '../store/index.js';

/**
 * What the API needs from the outside world. `ferry serve` builds it from
 * the workspace (ferry.yaml, the store, `repos/`); tests build it around a
 * temporary store and directory.
 *
 * @example
 *   const app = await buildApp({ store, reposDir: '/srv/ws/repos', baseurl: 'http://host:8080/repos' });
 *   const res = await app.inject({ method: 'GET', url: '/api/health' });
 */
export interface ApiDeps {
  /** The open store; the caller closes it after the app. */
  readonly store: StoreApi;
  /** Absolute path of the workspace's `repos/` tree (labels are created there). */
  readonly reposDir: string;
  /** ferry.yaml `baseurl`: where `repos/` is served; promotions report `repo_url` under it. */
  readonly baseurl: string;
  /** ferry.yaml `server.protect_reads`: reads need a user with the `read` role too (default false). */
  readonly protectReads?: boolean;
  /** The logger (pino); default a silent one. Authorization headers are redacted from it. */
  readonly logger?: FastifyBaseLogger;
  /** Unix seconds (default the system clock). */
  readonly clock?: () => number;
  /** DLRN's `reponame`: aggregate `.repo` files are `<reponame>.repo` (default `delorean`). */
  readonly reponame?: string;
  /** Components whose labels make up an aggregate (default: every component that has builds). */
  readonly components?: () => Promise<readonly string[]>;
  /** Package names of the catalog, for GraphQL packageStatus (default: packages that have builds). */
  readonly packages?: () => Promise<readonly string[]>;
  /** scrypt parameters for new and upgraded hashes (default src/auth's; tests use cheaper ones). */
  readonly scryptParams?: ScryptParams;
  /** Limits of uncached password checks: failures per client, checks at once (docs/api.md). */
  readonly loginThrottle?: LoginThrottleOptions;
  /** Least time a failed login takes, ms (default 0: the slowest check seen decides). */
  readonly failedLoginMinimumMs?: number;
  /** Largest request body accepted, bytes (default 1 MiB); more is a 413. */
  readonly bodyLimit?: number;
  /** Serve `repos/` under `/repos/` (default true). */
  readonly serveRepos?: boolean;
  /** Title of the HTML pages (DLRN's `target`; default `ferry`). */
  readonly title?: string;
  /** Seconds the build and vote counts of /metrics may be old before a scrape recounts (default 30). */
  readonly metricsRefreshSeconds?: number;
  /** HTTP client of remote/import (default the global fetch). */
  readonly fetch?: typeof fetch;
  /** Timeout of each download of remote/import, ms (default 45 s, as DLRN's for RPMs). */
  readonly downloadTimeoutMs?: number;
  /**
   * Finishes a successful snapshot brought by remote/import the way the
   * chaser publishes its own builds (repodata, links, labels); without it the
   * snapshot holds the imported RPMs, logs and commit.yaml.
   */
  readonly publishImported?: (commit: SnapshotCommit, dir: string) => Promise<void>;
}
