import type { AddressInfo } from 'node:net';

import type { Command } from 'commander';
import { pino } from 'pino';

import { openWorkspace, resolveWorkspaceDir } from '../../config/index.js';
import { FerryError } from '../../errors.js';
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
  const { buildWorkspaceApp } = await import('../../api/index.js');
  // A server's votes are many small writes: their WAL checkpoints (and fsyncs) run on a thread of their own.
  const store = await openStore(workspace.databaseUrl, { backgroundCheckpoints: true });
  let app: Awaited<ReturnType<typeof buildWorkspaceApp>> | undefined;
  try {
    app = await buildWorkspaceApp(workspace, store, logger);
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
