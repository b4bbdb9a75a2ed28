import type { Command } from 'commander';

import type { BuildReport, ChaseEvent, ChaseReport } from '../../chase/index.js';
import { openWorkspace, resolveWorkspaceDir } from '../../config/index.js';
import { FerryError } from '../../errors.js';
import { failureCause } from '../../report/index.js';
import { action, workspaceOption, type CliIo, type CommandRegistration } from '../command-context.js';

interface ChaseCliOptions {
  readonly once?: boolean;
  readonly loop?: boolean;
  readonly interval?: string;
  readonly package?: string[];
  readonly headOnly?: boolean;
  readonly workers?: string;
  readonly fetch?: boolean;
  readonly json?: boolean;
}

function positiveInt(value: string | undefined, option: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new FerryError('FERRY_USAGE', `${option} must be a positive integer, got ${JSON.stringify(value)}`);
  return n;
}

/** One line per published build: what, why, outcome, time, labels moved. */
export function formatBuildLine(report: BuildReport, index: number, total: number): string {
  const reason = report.reason.replace('-', ' ');
  const labels = report.labels.length > 0 ? `  -> ${report.labels.join(', ')}` : '';
  const line = `[${index + 1}/${total}] ${report.package} ${report.commitHash.slice(0, 7)} (${reason}): ${report.status} in ${report.seconds}s${labels}`;
  if (report.status === 'SUCCESS' || report.status === 'ABORTED') return `${line}\n`;
  return `${line}\n    ${failureCause(report.notes ?? '')}\n    log: ${report.snapshot ?? ''}/rpmbuild.log\n`;
}

function eventPrinter(io: CliIo): (event: ChaseEvent) => void {
  let total = 0;
  return (event) => {
    switch (event.type) {
      case 'recovered': {
        const r = event.report;
        if (r.interrupted) {
          io.stdout(
            `recovered an interrupted publish of ${r.interrupted.project} ${r.interrupted.commitHash.slice(0, 7)}: ${r.interrupted.outcome}\n`,
          );
        }
        if (r.labelsFixed.length > 0)
          io.stdout(`labels put back on the snapshots the database records: ${r.labelsFixed.join(', ')}\n`);
        if (r.aggregatesFixed.length > 0)
          io.stdout(`aggregates rewritten from their components' labels: ${r.aggregatesFixed.join(', ')}\n`);
        for (const blocked of r.labelsBlocked)
          io.stderr(`warning: label not moved onto an incomplete snapshot: ${blocked}\n`);
        break;
      }
      case 'skipped':
        io.stderr(`warning: skipped ${event.package}: ${event.reason}\n`);
        break;
      case 'queued':
        total = event.builds.length;
        io.stdout(
          total === 0 ? 'nothing new to build\n' : `${total} build${total === 1 ? '' : 's'} queued\n`,
        );
        for (const cycle of event.cycles)
          io.stderr(`warning: BuildRequires cycle: ${cycle.join(' -> ')} (built in commit-time order)\n`);
        break;
      case 'published':
        io.stdout(formatBuildLine(event.report, event.index, total));
        break;
      case 'notify-failed':
        io.stderr(`warning: notification for ${event.package} failed: ${event.problems.join('; ')}\n`);
        break;
      default:
        break;
    }
  };
}

async function runChase(io: CliIo, command: Command, opts: ChaseCliOptions): Promise<number> {
  if (opts.once && opts.loop) throw new FerryError('FERRY_USAGE', '--once and --loop exclude each other');
  const interval = positiveInt(opts.interval, '--interval');
  if (interval !== undefined && !opts.loop)
    throw new FerryError('FERRY_USAGE', '--interval goes with --loop');
  const workers = positiveInt(opts.workers, '--workers');
  const workspace = await openWorkspace(resolveWorkspaceDir(workspaceOption(command)));
  const { runChaser } = await import('../../chase/index.js');
  const controller = new AbortController();
  const stop = (): void => {
    if (!controller.signal.aborted)
      io.stderr('stopping: no new builds start; running ones are cancelled and redone next time\n');
    controller.abort();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  let failed = false;
  try {
    const reports = await runChaser(workspace, {
      ...(opts.package && opts.package.length > 0 ? { packages: opts.package } : {}),
      headOnly: opts.headOnly ?? false,
      ...(workers === undefined ? {} : { workers }),
      fetch: opts.fetch ?? true,
      signal: controller.signal,
      ...(opts.loop ? { loop: { intervalSeconds: interval ?? 300 } } : {}),
      ...(opts.json ? {} : { onEvent: eventPrinter(io) }),
      onPass: (report: ChaseReport) => {
        if (report.builds.some((b) => b.status === 'FAILED')) failed = true;
        if (opts.json) io.stdout(`${JSON.stringify(report, null, opts.loop ? undefined : 2)}\n`);
      },
    });
    if (!opts.json && reports.length > 0) {
      const last = reports[reports.length - 1]!;
      if (last.stopped) io.stdout('stopped\n');
    }
  } finally {
    process.off('SIGTERM', stop);
    process.off('SIGINT', stop);
  }
  // A loop stopped on request ends normally; a single pass reports failed builds with exit 1.
  return opts.loop ? 0 : failed ? 1 : 0;
}

export const registerChaseCommand: CommandRegistration = (program, io, setExit) => {
  program
    .command('chase')
    .description(
      'build new upstream and distgit commits of the catalog release and publish snapshot repositories',
    )
    .option('--once', 'one pass, then exit (the default)')
    .option('--loop', 'run passes until SIGTERM or SIGINT')
    .option('--interval <seconds>', 'with --loop: seconds between passes (default 300)')
    .option('--package <name...>', 'only these packages')
    .option('--head-only', 'build only the newest commit of each package')
    .option('--workers <n>', 'builds at once (default: build.workers of ferry.yaml)')
    .option('--no-fetch', 'do not fetch the upstream and distgit repositories first')
    .option('--json', 'print the run as JSON (docs/json-output.md)')
    .action(action(setExit, (opts: ChaseCliOptions, command: Command) => runChase(io, command, opts)));
};
