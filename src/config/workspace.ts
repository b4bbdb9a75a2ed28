import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';

import { FerryError } from '../errors.js';
import type { FerryConfig } from './config-schema.js';
import { loadConfig } from './load-config.js';

export const CONFIG_FILE = 'ferry.yaml';

/** A workspace directory and its configuration; paths of the on-disk layout (DESIGN.md). */
export interface Workspace {
  readonly root: string;
  readonly config: FerryConfig;
  readonly configFile: string;
  /** `<root>/repos`: snapshots and labels. */
  readonly reposDir: string;
  /** `<root>/sources`: upstream and distgit clones. */
  readonly sourcesDir: string;
  /** Absolute path of the catalog file or checkout. */
  readonly catalogPath: string;
  /** Database URL with a relative sqlite path made absolute. */
  readonly databaseUrl: string;
}

/** The workspace directory: `--workspace`, else $FERRY_HOME, else the current directory. */
export function resolveWorkspaceDir(
  option: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): string {
  return resolve(option ?? env.FERRY_HOME ?? process.cwd());
}

export async function openWorkspace(dir: string): Promise<Workspace> {
  const configFile = join(dir, CONFIG_FILE);
  if (!existsSync(configFile)) {
    throw new FerryError(
      'FERRY_CONFIG_INVALID',
      `${dir} is not a ferry workspace (no ${CONFIG_FILE}); run 'ferry init' or pass --workspace`,
    );
  }
  const config = await loadConfig(configFile);
  return workspaceFromConfig(dir, config, configFile);
}

export function workspaceFromConfig(
  dir: string,
  config: FerryConfig,
  configFile = join(dir, CONFIG_FILE),
): Workspace {
  const root = resolve(dir);
  return {
    root,
    config,
    configFile,
    reposDir: join(root, 'repos'),
    sourcesDir: join(root, 'sources'),
    catalogPath: isAbsolute(config.catalog.path) ? config.catalog.path : join(root, config.catalog.path),
    databaseUrl: absoluteDatabaseUrl(config.database, root),
  };
}

function absoluteDatabaseUrl(url: string, root: string): string {
  if (!url.startsWith('sqlite:')) return url;
  const path = url.slice('sqlite:'.length);
  if (path === ':memory:' || isAbsolute(path)) return url;
  return `sqlite:${join(root, path)}`;
}
