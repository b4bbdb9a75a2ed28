import type { Command } from 'commander';

import { openWorkspace, resolveWorkspaceDir } from '../../config/index.js';
import { action, workspaceOption, type CliIo, type CommandRegistration } from '../command-context.js';

async function runRecheck(
  io: CliIo,
  command: Command,
  name: string,
  opts: { json?: boolean },
): Promise<number> {
  const workspace = await openWorkspace(resolveWorkspaceDir(workspaceOption(command)));
  const [{ recheckPackage }, { openStore }] = await Promise.all([
    import('../../chase/index.js'),
    import('../../store/index.js'),
  ]);
  const store = await openStore(workspace.databaseUrl);
  try {
    const result = await recheckPackage(store, name);
    if (opts.json) io.stdout(`${JSON.stringify(result, null, 2)}\n`);
    else if (result.outcome === 'already-retrying') {
      io.stdout(
        `${name}: its last build (${result.commit.commitHash.slice(0, 7)}) is RETRY; the next ferry chase builds it again\n`,
      );
    } else {
      io.stdout(
        `${name}: failed build ${result.commit.id} of ${result.commit.commitHash.slice(0, 7)} dropped; the next ferry chase builds it again\n`,
      );
    }
    return 0;
  } finally {
    await store.close();
  }
}

export const registerRecheckCommand: CommandRegistration = (program, io, setExit) => {
  program
    .command('recheck')
    .description("build a package's last failed commit again (at the next ferry chase)")
    .argument('<package>', 'package name')
    .option('--json', 'print JSON (docs/json-output.md)')
    .action(
      action(setExit, (name: string, opts: { json?: boolean }, command: Command) =>
        runRecheck(io, command, name, opts),
      ),
    );
};
