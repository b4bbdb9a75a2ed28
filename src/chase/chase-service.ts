import { join } from 'node:path';

import { createBuildDriver } from '../build/index.js';
import type { Workspace } from '../config/index.js';
import { openStore, type Store } from '../store/index.js';
import { loadChaseCatalog } from './catalog-packages.js';
import {
  chaseOnce,
  stateDirOf,
  type ChaseOptions,
  type ChaseReport,
  type ChaseServices,
} from './chase-run.js';
import { libraryRepodata } from './snapshot-repodata.js';
import { acquireWorkspaceLock } from './workspace-lock.js';

/** The chaser's services for a workspace: store, catalog packages, build driver, repodata. */
export async function openChaseServices(
  workspace: Workspace,
): Promise<{ services: ChaseServices; store: Store }> {
  const catalog = await loadChaseCatalog(workspace);
  const store = await openStore(workspace.databaseUrl);
  const driver = createBuildDriver(workspace.config.build.driver, {
    workRoot: join(stateDirOf(workspace), 'work'),
  });
  return { services: { workspace, store, catalog, driver, repodata: libraryRepodata }, store };
}

/** The workspace lock file: one chaser (and one purge) at a time. */
export function chaseLockPath(workspace: Workspace): string {
  return join(stateDirOf(workspace), 'chase.lock');
}

export interface RunChaserOptions extends ChaseOptions {
  /** Run again every `interval` seconds until `signal` aborts (`--loop`). */
  readonly loop?: { readonly intervalSeconds: number };
  /** Called after each pass (loop mode prints each). */
  readonly onPass?: (report: ChaseReport) => void;
}

function sleep(seconds: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, seconds * 1000);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}

/**
 * `ferry chase`: takes the workspace lock, runs one pass (or passes every
 * `interval` seconds until the signal aborts), and releases everything.
 */
export async function runChaser(
  workspace: Workspace,
  options: RunChaserOptions = {},
): Promise<ChaseReport[]> {
  const lock = await acquireWorkspaceLock(chaseLockPath(workspace), 'ferry chase');
  const reports: ChaseReport[] = [];
  let store: Store | undefined;
  try {
    const opened = await openChaseServices(workspace);
    store = opened.store;
    for (;;) {
      const report = await chaseOnce(opened.services, options);
      reports.push(report);
      options.onPass?.(report);
      if (!options.loop || options.signal?.aborted) break;
      await sleep(options.loop.intervalSeconds, options.signal);
      if (options.signal?.aborted) break;
    }
  } finally {
    await store?.close();
    await lock.release();
  }
  return reports;
}
