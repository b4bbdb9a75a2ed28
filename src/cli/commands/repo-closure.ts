/**
 * `ferry repo closure`: dnf repoclosure's check (same semantics, see
 * docs/closure.md). Exit 0 when every dependency resolves, 1 when some do
 * not, 2 when the check could not run (bad options, unreadable repodata).
 */
import type { Command } from 'commander';

import { FerryError } from '../../errors.js';
import { action, workspaceOption, type CliIo } from '../command-context.js';
import { workspaceMirrors } from '../workspace-mirrors.js';

// Loaded when the command runs, so `ferry` itself starts fast.
const closureLib = () => import('../../closure/index.js');

interface ClosureCliOptions {
  readonly check: string[];
  readonly lookaside: string[];
  readonly newest?: boolean;
  readonly best?: boolean;
  readonly pkg: string[];
  readonly arch: string[];
  readonly forcearch?: string;
  readonly index: boolean;
  readonly json?: boolean;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

async function runClosure(
  io: CliIo,
  command: Command,
  repos: string[],
  opts: ClosureCliOptions,
): Promise<number> {
  const [{ closureSummary, expandRepoArguments, renderClosureJson, renderClosureText, repoClosure }, rpm] =
    await Promise.all([closureLib(), import('../../rpm/arch.js')]);
  if (opts.forcearch !== undefined && !rpm.isKnownArch(opts.forcearch)) {
    throw new FerryError(
      'FERRY_USAGE',
      `--forcearch: unknown architecture ${JSON.stringify(opts.forcearch)}`,
    );
  }
  for (const arch of opts.arch) {
    if (arch.trim() === '') throw new FerryError('FERRY_USAGE', '--arch needs an architecture name');
  }
  // A .repo file or an aggregate label names several repositories; the workspace maps its own URLs to disk.
  const expand = {
    ...(opts.forcearch === undefined ? {} : { arch: opts.forcearch }),
    localMirrors: workspaceMirrors(workspaceOption(command)),
  };
  const [checked, lookaside] = await Promise.all([
    expandRepoArguments(repos, expand),
    expandRepoArguments(opts.lookaside, expand),
  ]);
  const report = await repoClosure({
    repos: checked,
    lookaside,
    check: opts.check,
    pkg: opts.pkg,
    arch: opts.arch,
    ...(opts.newest ? { newest: true } : {}),
    ...(opts.best ? { best: true } : {}),
    ...(opts.forcearch === undefined ? {} : { systemArch: opts.forcearch }),
    useIndex: opts.index,
  });
  for (const note of report.notes) io.stderr(`note: ${note}\n`);
  if (opts.json) io.stdout(renderClosureJson(report));
  else {
    io.stdout(renderClosureText(report));
    io.stderr(`${closureSummary(report)}\n`);
  }
  return report.unresolved.length > 0 ? 1 : 0;
}

/** Registers `closure` under `ferry repo`. */
export function registerRepoClosure(repo: Command, io: CliIo, setExit: (code: number) => void): void {
  repo
    .command('closure')
    .description(
      'list dependencies nothing provides (what dnf repoclosure reports; exit 1 when there are any)',
    )
    .argument(
      '<repo...>',
      'repositories to check: PATH, file:// or http(s):// URL, or ID,PATH (ids as dnf names them); ' +
        'a .repo file or an aggregate label directory stands for the repositories it names',
    )
    .option(
      '--check <id>',
      'check only this repository (repeatable; default: every REPO, not the lookaside ones)',
      collect,
      [],
    )
    .option(
      '--lookaside <repo>',
      'repository that may satisfy dependencies but is not checked (repeatable)',
      collect,
      [],
    )
    .option('-n, --newest', 'check only the newest version of each name.arch in each repository')
    .option('--best', "only the newest packages across repositories satisfy dependencies (dnf's best=True)")
    .option(
      '--pkg <spec>',
      'check only packages matching this spec: NAME, NAME.ARCH, NAME-VERSION-RELEASE, globs (repeatable)',
      collect,
      [],
    )
    .option(
      '--arch <arch>',
      'check only packages of this architecture (repeatable; noarch is not implied)',
      collect,
      [],
    )
    .option(
      '--forcearch <arch>',
      "system architecture deciding what is installable (default: this machine's)",
    )
    .option('--no-index', "read the XML metadata even where ferry's dependency index is present")
    .option('--json', 'print {"unresolved": [...]} (shape in docs/closure.md)')
    .action(
      action(setExit, (repos: string[], opts: ClosureCliOptions, command: Command) =>
        runClosure(io, command, repos, opts),
      ),
    );
}
