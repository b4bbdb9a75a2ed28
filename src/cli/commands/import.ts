import type { Command } from 'commander';

import { isRole, type Role } from '../../auth/index.js';
import { openWorkspace, resolveWorkspaceDir } from '../../config/index.js';
import { FerryError } from '../../errors.js';
import { action, workspaceOption, type CliIo, type CommandRegistration } from '../command-context.js';

interface ImportDlrnOptions {
  readonly from: string;
  readonly role?: string;
  readonly json?: boolean;
}

async function runImportDlrn(io: CliIo, command: Command, options: ImportDlrnOptions): Promise<number> {
  const role: Role =
    options.role === undefined ? 'write' : isRole(options.role) ? options.role : badRole(options.role);
  const workspace = await openWorkspace(resolveWorkspaceDir(workspaceOption(command)));
  const { openStore } = await import('../../store/index.js');
  const { importDlrn } = await import('../../import/index.js');
  const store = await openStore(workspace.databaseUrl);
  let report;
  try {
    report = await importDlrn(store, options.from, { role });
  } finally {
    await store.close();
  }
  if (options.json) {
    io.stdout(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    io.stdout(`imported from ${report.source}:\n`);
    for (const [table, counts] of Object.entries(report.tables)) {
      io.stdout(
        `  ${table.padEnd(12)} ${String(counts.imported).padStart(8)} imported${counts.skipped ? `, ${counts.skipped} skipped` : ''}\n`,
      );
    }
    for (const problem of report.problems) io.stdout(`  warning: ${problem}\n`);
    if (report.problemCount > report.problems.length) {
      io.stdout(`  … and ${report.problemCount - report.problems.length} more\n`);
    }
  }
  return report.problemCount > 0 ? 1 : 0;
}

function badRole(role: string): never {
  throw new FerryError('FERRY_USAGE', `unknown role ${JSON.stringify(role)}: use read, write or admin`);
}

/** `ferry import dlrn --from URL`: a DLRN database's history and users into the workspace's store. */
export const registerImportCommand: CommandRegistration = (program, io, setExit) => {
  const group = program.command('import').description('bring history from another system into the workspace');
  group
    .command('dlrn')
    .description("import a DLRN instance's builds, votes, promotions and users")
    .requiredOption(
      '--from <url>',
      'DLRN database: sqlite:///path/commits.sqlite or mysql+pymysql://user:password@host/dlrn (as DLRN spells it)',
    )
    .option('--role <role>', "role of DLRN's users in ferry: read, write or admin", 'write')
    .option('--json', 'print the report as JSON (docs/api.md)')
    .action(
      action(setExit, async (options: ImportDlrnOptions, command: Command) =>
        runImportDlrn(io, command, options),
      ),
    );
};
