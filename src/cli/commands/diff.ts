import type { Command } from 'commander';

import { openWorkspace, resolveWorkspaceDir } from '../../config/index.js';
import { action, workspaceOption, type CliIo, type CommandRegistration } from '../command-context.js';

async function runDiff(
  io: CliIo,
  command: Command,
  a: string,
  b: string,
  opts: { json?: boolean },
): Promise<number> {
  const workspace = await openWorkspace(resolveWorkspaceDir(workspaceOption(command)));
  const [{ diffSnapshots, renderDiffText }, { openStore }, { loadChaseCatalog }] = await Promise.all([
    import('../../report/index.js'),
    import('../../store/index.js'),
    import('../../chase/index.js'),
  ]);
  const catalog = await loadChaseCatalog(workspace).catch(() => null);
  const store = await openStore(workspace.databaseUrl);
  try {
    const report = await diffSnapshots(
      { workspaceRoot: workspace.root, reposDir: workspace.reposDir, sourcesDir: workspace.sourcesDir },
      store,
      a,
      b,
      new Map((catalog?.packages ?? []).map((p) => [p.name, p.distgitPath])),
    );
    io.stdout(opts.json ? `${JSON.stringify(report, null, 2)}\n` : renderDiffText(report));
    return 0;
  } finally {
    await store.close();
  }
}

export const registerDiffCommand: CommandRegistration = (program, io, setExit) => {
  program
    .command('diff')
    .description(
      'what changed between two snapshots (labels or hashes): packages, upstream commits, changelog entries',
    )
    .argument('<a>', 'a label (current, consistent, a promotion, component/<c>/<label>) or a hash')
    .argument('<b>', 'the other snapshot')
    .option('--json', 'print JSON (docs/json-output.md)')
    .action(
      action(setExit, (a: string, b: string, opts: { json?: boolean }, command: Command) =>
        runDiff(io, command, a, b, opts),
      ),
    );
};
