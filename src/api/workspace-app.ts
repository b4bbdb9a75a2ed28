import { mkdir } from 'node:fs/promises';

import type { FastifyBaseLogger, FastifyInstance } from 'fastify';

import type { Workspace } from '../config/index.js';
import type { StoreApi } from '../store/index.js';
import { buildApp } from './build-app.js';

/** How long the catalog's package and component lists are kept before they are read again. */
const CATALOG_TTL_MS = 60_000;

/**
 * Catalog lookups for the API, re-read at most once a minute; the store
 * answers when the workspace has no readable catalog.
 */
export function catalogLookups(workspace: Workspace, store: StoreApi, logger?: FastifyBaseLogger) {
  let cached: { at: number; names: string[]; components: string[] } | null | undefined;
  const load = async (): Promise<{ names: string[]; components: string[] } | null> => {
    if (cached !== undefined && (cached === null || Date.now() - cached.at < CATALOG_TTL_MS)) return cached;
    const selector = workspace.config.catalog.tag ?? workspace.config.catalog.release;
    try {
      if (selector === undefined) throw new Error('ferry.yaml names no catalog release or tag');
      const { readCatalog, releasePackages } = await import('../catalog/index.js');
      const catalog = await readCatalog(workspace.catalogPath);
      const packages = releasePackages(catalog, {
        ...(workspace.config.catalog.release ? { release: workspace.config.catalog.release } : {}),
        ...(workspace.config.catalog.tag ? { tag: workspace.config.catalog.tag } : {}),
      });
      cached = {
        at: Date.now(),
        names: packages.map((pkg) => pkg.name),
        components: [...new Set(packages.map((pkg) => pkg.component).filter((c): c is string => !!c))],
      };
    } catch (error) {
      logger?.warn(
        { err: (error as Error).message },
        'catalog unavailable: package lists come from the store',
      );
      cached = null;
    }
    return cached;
  };
  return {
    packages: async (): Promise<readonly string[]> =>
      (await load())?.names ?? (await store.lastBuildsPerProject()).map((commit) => commit.projectName),
    // DLRN aggregates the components of the catalog that have builds.
    components: async (): Promise<readonly string[]> => {
      const built = await store.commitComponents();
      const catalog = await load();
      return catalog ? built.filter((component) => catalog.components.includes(component)) : built;
    },
  };
}

/**
 * The API of a workspace, as `ferry serve` runs it: its store, repos/ tree,
 * baseurl, read protection and catalog lookups. Not listening yet.
 */
export async function buildWorkspaceApp(
  workspace: Workspace,
  store: StoreApi,
  logger?: FastifyBaseLogger,
): Promise<FastifyInstance> {
  await mkdir(workspace.reposDir, { recursive: true });
  const lookups = catalogLookups(workspace, store, logger);
  return buildApp({
    store,
    reposDir: workspace.reposDir,
    baseurl: workspace.config.baseurl,
    protectReads: workspace.config.server.protect_reads,
    ...(logger ? { logger } : {}),
    packages: lookups.packages,
    components: lookups.components,
  });
}
