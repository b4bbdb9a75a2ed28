import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';

import type { Command } from 'commander';
import { pino, type Logger } from 'pino';

import { openWorkspace, resolveWorkspaceDir, type Workspace } from '../../config/index.js';
import { FerryError } from '../../errors.js';
import type { StoreApi } from '../../store/index.js';
import { action, workspaceOption, type CliIo, type CommandRegistration } from '../command-context.js';

interface ServeOptions {
  readonly host?: string;
  readonly port?: number;
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!/^\d{1,5}$/.test(text) || port > 65535)
    throw new FerryError('FERRY_USAGE', `invalid port ${JSON.stringify(text)}`);
  return port;
}

/** Catalog lookups for the API, re-read at most once a minute; the store answers when there is no catalog. */
function catalogLookups(workspace: Workspace, store: StoreApi, logger: Logger) {
  let cached: { at: number; names: string[]; components: string[] } | null | undefined;
  const load = async (): Promise<{ names: string[]; components: string[] } | null> => {
    if (cached !== undefined && (cached === null || Date.now() - cached.at < 60_000)) return cached;
    const selector = workspace.config.catalog.tag ?? workspace.config.catalog.release;
    try {
      if (selector === undefined) throw new Error('ferry.yaml names no catalog release or tag');
      const { readCatalog, releasePackages } = await import('../../catalog/index.js');
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
      logger.warn(
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

async function runServe(io: CliIo, command: Command, options: ServeOptions): Promise<number> {
  const workspace = await openWorkspace(resolveWorkspaceDir(workspaceOption(command)));
  const host = options.host ?? workspace.config.server.host;
  const port = options.port ?? workspace.config.server.port;
  const logger = pino(
    {
      level: process.env.FERRY_LOG_LEVEL ?? 'info',
      // Belt and braces: ferry never logs credentials, and these paths could only hold them.
      redact: {
        paths: ['req.headers.authorization', 'headers.authorization', 'password', '*.password'],
        censor: '[redacted]',
      },
    },
    pino.destination(2),
  );
  const { openStore } = await import('../../store/index.js');
  const { buildApp } = await import('../../api/index.js');
  const store = await openStore(workspace.databaseUrl);
  let app: Awaited<ReturnType<typeof buildApp>> | undefined;
  try {
    await mkdir(workspace.reposDir, { recursive: true });
    const lookups = catalogLookups(workspace, store, logger);
    app = await buildApp({
      store,
      reposDir: workspace.reposDir,
      baseurl: workspace.config.baseurl,
      protectReads: workspace.config.server.protect_reads,
      logger,
      packages: lookups.packages,
      components: lookups.components,
    });
    await app.listen({ host, port });
  } catch (error) {
    await app?.close().catch(() => undefined);
    await store.close();
    if (
      (error as NodeJS.ErrnoException).code === 'EADDRINUSE' ||
      (error as NodeJS.ErrnoException).code === 'EACCES'
    ) {
      throw new FerryError('FERRY_USAGE', `cannot listen on ${host}:${port}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    throw error;
  }
  const address = app.server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  io.stdout(
    `ferry serve: listening on http://${shownHost}:${address.port} (API /api, repos /repos, metrics /metrics); workspace ${workspace.root}\n`,
  );
  const running = app;
  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals): void => {
      logger.info({ signal }, 'shutting down');
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await running.close();
  await store.close();
  logger.flush();
  return 0;
}

/** `ferry serve [--host H] [--port P]`: the DLRN-compatible API, GraphQL, pages, /metrics and repos/ over HTTP. */
export const registerServeCommand: CommandRegistration = (program, io, setExit) => {
  program
    .command('serve')
    .description('serve the REST API (DLRN-compatible under /api), repos/ over HTTP and /metrics')
    .option('--host <host>', 'address to listen on (default: ferry.yaml server.host)')
    .option(
      '--port <port>',
      'port to listen on, 0 for any free one (default: ferry.yaml server.port)',
      parsePort,
    )
    .action(
      action(setExit, async (options: ServeOptions, command: Command) => runServe(io, command, options)),
    );
};
