import type { Command } from 'commander';

import { openWorkspace, resolveWorkspaceDir } from '../../config/index.js';
import type { StatusReport } from '../../report/index.js';
import { isoSeconds } from '../../util/time-range.js';
import { action, workspaceOption, type CliIo, type CommandRegistration } from '../command-context.js';

/** `YYYY-MM-DD HH:MM` (UTC); total: a stored number no date can show is printed as it is. */
function day(seconds: number | null): string {
  if (seconds === null) return '';
  const iso = isoSeconds(seconds);
  return iso === null ? String(seconds) : iso.slice(0, 16).replace('T', ' ');
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
  if (report.problems.length > 0) {
    lines.push('', `${report.problems.length} problem${report.problems.length === 1 ? '' : 's'} in repos/:`);
    for (const p of report.problems) lines.push(`  ${p.kind}: ${p.message}`);
  }
  if (report.storeProblems.length > 0) {
    lines.push('', 'rows of the store ferry refuses today (docs/store.md, Repairs):');
    for (const p of report.storeProblems) {
      lines.push(`  ${p.table}: ${p.problem} (${p.count} row${p.count === 1 ? '' : 's'})`);
    }
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
    // DESIGN.md's contract: the work ran and found a problem.
    return report.problems.length > 0 || report.storeProblems.length > 0 ? 1 : 0;
  } finally {
    await store.close();
  }
}

export const registerStatusCommand: CommandRegistration = (program, io, setExit) => {
  program
    .command('status')
    .description(
      'per package: last build, status, failing since; where the labels point, and what in repos/ disagrees with them',
    )
    .option('--json', 'print JSON (docs/json-output.md)')
    .action(action(setExit, (opts: { json?: boolean }, command: Command) => runStatus(io, command, opts)));
};
