import type { Command } from 'commander';

import { openWorkspace, resolveWorkspaceDir } from '../../config/index.js';
import { FerryError } from '../../errors.js';
import { action, workspaceOption, type CliIo, type CommandRegistration } from '../command-context.js';

interface PurgeCliOptions {
  readonly olderThan: string;
  readonly dryRun?: boolean;
  readonly json?: boolean;
}

async function runPurge(io: CliIo, command: Command, opts: PurgeCliOptions): Promise<number> {
  const days = Number(opts.olderThan);
  if (!Number.isFinite(days) || days < 0) {
    throw new FerryError(
      'FERRY_USAGE',
      `--older-than must be a number of days, got ${JSON.stringify(opts.olderThan)}`,
    );
  }
  const workspace = await openWorkspace(resolveWorkspaceDir(workspaceOption(command)));
  const [chase, { openStore }] = await Promise.all([
    import('../../chase/index.js'),
    import('../../store/index.js'),
  ]);
  const catalog = await chase.loadChaseCatalog(workspace);
  // Purging while a chaser publishes could remove what it links: one at a time.
  const lock = await chase.acquireWorkspaceLock(chase.chaseLockPath(workspace), 'ferry purge');
  const store = await openStore(workspace.databaseUrl);
  try {
    const report = await chase.purgeOldSnapshots(
      store,
      { workspaceRoot: workspace.root, reposDir: workspace.reposDir },
      {
        olderThanDays: days,
        now: Math.floor(Date.now() / 1000),
        useComponents: catalog.useComponents,
        components: [
          ...new Set(catalog.packages.map((p) => p.component).filter((c): c is string => c !== null)),
        ],
        dryRun: opts.dryRun ?? false,
      },
    );
    if (opts.json) io.stdout(`${JSON.stringify(report, null, 2)}\n`);
    else {
      const verb = report.dryRun ? 'would purge' : 'purged';
      for (const p of report.purged) {
        io.stdout(
          `${verb} ${p.project} ${p.commitHash.slice(0, 7)} (${p.status}) ${p.snapshot}${p.mode === 'rpms-kept' ? ' (RPMs kept: newer snapshots link them)' : ''}\n`,
        );
      }
      io.stdout(
        `${report.purged.length} snapshot${report.purged.length === 1 ? '' : 's'} ${verb}; ${report.protected} old ones kept because a label or promotion shows them\n`,
      );
    }
    return 0;
  } finally {
    await store.close();
    await lock.release();
  }
}

export const registerPurgeCommand: CommandRegistration = (program, io, setExit) => {
  program
    .command('purge')
    .description('remove snapshots older than DAYS, never one a label or promotion references')
    .requiredOption('--older-than <days>', 'age in days')
    .option('--dry-run', 'only list what would be removed')
    .option('--json', 'print JSON (docs/json-output.md)')
    .action(action(setExit, (opts: PurgeCliOptions, command: Command) => runPurge(io, command, opts)));
};
