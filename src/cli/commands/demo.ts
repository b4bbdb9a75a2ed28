import { resolve } from 'node:path';

import { FerryError } from '../../errors.js';
import { action, type CliIo, type CommandRegistration } from '../command-context.js';

async function runDemoCommand(
  io: CliIo,
  opts: { dir?: string; workers?: string; json?: boolean },
): Promise<number> {
  const workers = opts.workers === undefined ? undefined : Number(opts.workers);
  if (workers !== undefined && (!Number.isInteger(workers) || workers < 1)) {
    throw new FerryError(
      'FERRY_USAGE',
      `--workers must be a positive integer, got ${JSON.stringify(opts.workers)}`,
    );
  }
  const { runDemo } = await import('../../demo/index.js');
  const report = await runDemo({
    dir: resolve(opts.dir ?? 'demo-workspace'),
    write: opts.json ? () => undefined : io.stdout,
    ...(workers === undefined ? {} : { workers }),
  });
  if (opts.json) io.stdout(`${JSON.stringify(report, null, 2)}\n`);
  return 0;
}

export const registerDemoCommand: CommandRegistration = (program, io, setExit) => {
  program
    .command('demo')
    .description(
      'generate a sample distribution (catalog, upstream and distgit repositories), chase it, vote on it and promote it over the API, show the result',
    )
    .option(
      '--dir <dir>',
      'where to write the demo workspace (default ./demo-workspace; a previous demo there is replaced)',
    )
    .option('--workers <n>', 'builds at once (default 2)')
    .option('--json', 'print what happened as JSON instead of the narrative')
    .action(
      action(setExit, (opts: { dir?: string; workers?: string; json?: boolean }) => runDemoCommand(io, opts)),
    );
};
