import type { Command } from 'commander';

import { openWorkspace, resolveWorkspaceDir } from '../../config/index.js';
import type { StatusReport } from '../../report/index.js';
import { action, workspaceOption, type CliIo, type CommandRegistration } from '../command-context.js';

function day(seconds: number | null): string {
  return seconds === null ? '' : new Date(seconds * 1000).toISOString().slice(0, 16).replace('T', ' ');
}

/** The human table of `ferry status`. */
export function formatStatus(report: StatusReport): string {
  const rows: string[][] = [['PACKAGE', 'STATUS', 'COMMIT', 'NVR', 'BUILT', 'FAILING SINCE']];
  for (const p of report.packages) {
    const b = p.lastBuild;
    const since =
      p.failingSince === null
        ? ''
        : `${day(p.failingSince)}${p.daysSinceSuccess === null ? ' (never built)' : ` (${p.daysSinceSuccess} d since success)`}`;
    rows.push([
      p.name,
      p.state,
      b ? b.commitHash.slice(0, 7) : '',
      b?.nvr ?? '',
      day(b?.dtBuild ?? null),
      since,
    ]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const lines = rows.map((r) =>
    r
      .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd(),
  );
  const s = report.summary;
  lines.push(
    '',
    `${s.total} packages: ${s.success} ok, ${s.failed} failing, ${s.retry} to retry, ${s.noBuild} never built`,
  );
  for (const l of report.labels) {
    const name = l.component ? `component/${l.component}/${l.label}` : l.label;
    lines.push(
      `${name} -> ${l.snapshot}${l.project ? ` (${l.project} ${l.commitHash?.slice(0, 7) ?? ''})` : ''}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

async function runStatus(io: CliIo, command: Command, opts: { json?: boolean }): Promise<number> {
  const workspace = await openWorkspace(resolveWorkspaceDir(workspaceOption(command)));
  const [{ loadChaseCatalog }, { collectStatus }, { openStore }] = await Promise.all([
    import('../../chase/index.js'),
    import('../../report/index.js'),
    import('../../store/index.js'),
  ]);
  const catalog = await loadChaseCatalog(workspace);
  const store = await openStore(workspace.databaseUrl);
  try {
    const report = await collectStatus(
      store,
      catalog.packages.map((p) => ({ name: p.name, component: p.component })),
      { workspaceRoot: workspace.root, reposDir: workspace.reposDir },
      Math.floor(Date.now() / 1000),
    );
    io.stdout(opts.json ? `${JSON.stringify(report, null, 2)}\n` : formatStatus(report));
    return 0;
  } finally {
    await store.close();
  }
}

export const registerStatusCommand: CommandRegistration = (program, io, setExit) => {
  program
    .command('status')
    .description('per package: last build, status, failing since; and where the labels point')
    .option('--json', 'print JSON (docs/json-output.md)')
    .action(action(setExit, (opts: { json?: boolean }, command: Command) => runStatus(io, command, opts)));
};
