import { resolve } from 'node:path';

import type { Command } from 'commander';

import { FerryError } from '../../errors.js';
import { action, type CliIo, type CommandRegistration } from '../command-context.js';
import { registerRepoClosure } from './repo-closure.js';

// The repodata library (and its workers) load only when a repo command runs: `ferry` starts fast.
const repoLib = () => import('../../repo/index.js');

interface IndexCliOptions {
  readonly update?: boolean;
  readonly skipBroken?: boolean;
  readonly checksumVerify?: boolean;
  readonly changelogLimit?: string;
  readonly compressLevel?: string;
  readonly workers?: string;
  readonly json?: boolean;
}

function integerOption(
  value: string | undefined,
  name: string,
  min: number,
  max: number,
): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < min || number > max) {
    throw new FerryError(
      'FERRY_USAGE',
      `${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`,
    );
  }
  return number;
}

function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

async function runIndex(io: CliIo, dir: string, opts: IndexCliOptions): Promise<number> {
  const [{ indexRepository }, { dependencyIndexExtension }] = await Promise.all([
    repoLib(),
    // The extension's module only, not the closure solver: `repo index` starts ~15 ms sooner.
    import('../../closure/dependency-index-extension.js'),
  ]);
  const root = resolve(dir);
  const changelogLimit = integerOption(opts.changelogLimit, '--changelog-limit', -1, 1_000_000);
  const compressionLevel = integerOption(opts.compressLevel, '--compress-level', 1, 9);
  const workers = integerOption(opts.workers, '--workers', 0, 64);
  if (opts.checksumVerify && !opts.update) {
    throw new FerryError('FERRY_USAGE', '--checksum-verify only makes sense with --update');
  }
  const result = await indexRepository(root, {
    // ferry's own repodata carries the dependency index `ferry repo closure` reads instead of the XML.
    extensions: [dependencyIndexExtension()],
    // The command ends with this call: nothing is kept in memory or prepared for a next one.
    oneShot: true,
    update: opts.update ?? false,
    skipBroken: opts.skipBroken ?? false,
    checksumVerify: opts.checksumVerify ?? false,
    ...(changelogLimit === undefined ? {} : { rules: { changelogLimit } }),
    ...(compressionLevel === undefined ? {} : { compressionLevel }),
    ...(workers === undefined ? {} : { workers }),
  });
  const exitCode = result.written ? 0 : 1;
  if (opts.json) {
    const json = {
      directory: root,
      written: result.written,
      packages: result.packages,
      reused: result.reused,
      read: result.read,
      previous: result.previous,
      broken: result.broken.map((b) => ({ href: b.href, path: b.path, reason: b.reason })),
      skippedBroken: result.written && result.broken.length > 0,
      notes: result.notes,
      revision: result.repodata?.revision ?? null,
      repomd: (result.repodata?.repomd ?? []).map((r) => ({
        type: r.type,
        href: r.href,
        checksum: r.checksum.value,
        openChecksum: r.openChecksum?.value ?? null,
        size: r.size ?? null,
        openSize: r.openSize ?? null,
      })),
    };
    io.stdout(`${JSON.stringify(json, null, 2)}\n`);
    return exitCode;
  }
  for (const note of result.notes) io.stderr(`note: ${note}\n`);
  for (const broken of result.broken) {
    io.stderr(`${result.written ? 'skipped' : 'error'}: ${broken.path}: ${broken.reason}\n`);
  }
  if (!result.written) {
    io.stderr(
      `${result.broken.length} broken RPM${result.broken.length === 1 ? '' : 's'} in ${root}: ` +
        'repodata not written, the previous one is untouched (--skip-broken indexes the rest)\n',
    );
    return exitCode;
  }
  const primary = result.repodata?.repomd.find((r) => r.type === 'primary');
  const how =
    result.previous === 'none' ? `${result.read} read` : `${result.reused} reused, ${result.read} read`;
  const skipped = result.broken.length > 0 ? `, ${result.broken.length} broken skipped` : '';
  io.stdout(
    `${root}/repodata: ${result.packages} package${result.packages === 1 ? '' : 's'} (${how}${skipped})` +
      `${primary?.size === undefined ? '' : `, primary ${formatSize(primary.size)}`}\n`,
  );
  return exitCode;
}

/**
 * Subcommands of `ferry repo`. Modules add theirs here (e.g. `repo closure`).
 */
export const REPO_SUBCOMMANDS: readonly ((
  repo: Command,
  io: CliIo,
  setExit: (code: number) => void,
) => void)[] = [
  (repo, io, setExit) => {
    repo
      .command('index')
      .description('write repodata/ for a directory of RPMs (the same metadata createrepo_c writes)')
      .argument('<dir>', 'repository directory (searched recursively for *.rpm)')
      .option('--update', 'reuse the previous metadata of unchanged files (same path, size and mtime)')
      .option('--checksum-verify', 'with --update: also check each reused file against its recorded checksum')
      .option('--skip-broken', 'index the readable RPMs and report the broken ones, instead of failing')
      .option('--changelog-limit <n>', 'newest changelog entries kept per package (default 10, -1 for all)')
      .option('--compress-level <n>', 'gzip level of the metadata files (1-9, default 6)')
      .option(
        '--workers <n>',
        'worker threads reading RPMs beside the main thread (default: cores - 1 for large directories, none on two cores)',
      )
      .option('--json', 'print JSON (shape in docs/repodata.md)')
      .action(action(setExit, (dir: string, opts: IndexCliOptions) => runIndex(io, dir, opts)));
  },
  registerRepoClosure,
];

export const registerRepoCommand: CommandRegistration = (program, io, setExit) => {
  const repo = program.command('repo').description('repository metadata (repodata) and checks');
  for (const register of REPO_SUBCOMMANDS) register(repo, io, setExit);
};
