import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

import type { Command } from 'commander';

import type { CatalogLoad, CatalogPackage, ReleasePackage } from '../../catalog/index.js';
import { CONFIG_FILE, openWorkspace, resolveWorkspaceDir } from '../../config/index.js';
import { FerryError } from '../../errors.js';
import { action, workspaceOption, type CliIo, type CommandRegistration } from '../command-context.js';

// The catalog library is imported when a catalog command runs, so other commands do not pay for it.
const catalogLib = () => import('../../catalog/index.js');

interface CatalogOptions {
  readonly catalog?: string;
  readonly json?: boolean;
}

/** `--catalog PATH`, else the workspace's `catalog.path` (ferry.yaml). */
async function catalogPath(command: Command, option: string | undefined): Promise<string> {
  if (option !== undefined) return resolve(option);
  const dir = resolveWorkspaceDir(workspaceOption(command));
  if (!existsSync(join(dir, CONFIG_FILE))) {
    throw new FerryError(
      'FERRY_USAGE',
      `no catalog: pass --catalog PATH (an rdoinfo file or checkout) or run in a workspace (${dir} has no ${CONFIG_FILE})`,
    );
  }
  return (await openWorkspace(dir)).catalogPath;
}

async function loadValid(path: string): Promise<CatalogLoad> {
  const { catalogInvalidError, loadCatalog } = await catalogLib();
  const load = await loadCatalog(path);
  if (!load.valid) throw catalogInvalidError(load);
  return load;
}

function writeJson(io: CliIo, value: unknown): void {
  io.stdout(`${JSON.stringify(value, null, 2)}\n`);
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

async function runValidate(io: CliIo, command: Command, opts: CatalogOptions & { notices?: boolean }) {
  const { formatProblem, loadCatalog, omittedNote, suppressedNote, validationJson } = await catalogLib();
  const path = await catalogPath(command, opts.catalog);
  const load = await loadCatalog(path);
  const entry = join(load.catalog.root, load.catalog.entryFile);
  if (opts.json) {
    writeJson(io, validationJson(load, entry));
    return load.valid ? 0 : 2;
  }
  for (const problem of load.problems) {
    if (problem.severity === 'notice' && !opts.notices) continue;
    io.stdout(`${problem.severity}: ${formatProblem(problem)}\n`);
  }
  if (load.omitted > 0) io.stdout(`${omittedNote(load)}\n`);
  if (load.suppressed > 0) io.stdout(`${suppressedNote(load)}\n`);
  const hidden =
    opts.notices || load.notices === 0 ? '' : ` (${plural(load.notices, 'notice')}: --notices shows them)`;
  const summary =
    `catalog ${entry}: ${plural(load.catalog.packages.length, 'package')}, ` +
    `${plural(load.catalog.releases.length, 'release')}, ${plural(load.catalog.files.length, 'file')}: ` +
    `${plural(load.errors, 'error')}, ${plural(load.warnings, 'warning')}${hidden}`;
  io.stdout(`${summary}\n`);
  return load.valid ? 0 : 2;
}

interface ListOptions extends CatalogOptions {
  readonly tag?: string;
  readonly release?: string;
  readonly component?: string;
  readonly maintainer?: string;
}

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows
    .map((row) =>
      row
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

async function runList(io: CliIo, command: Command, opts: ListOptions) {
  const lib = await catalogLib();
  const load = await loadValid(await catalogPath(command, opts.catalog));
  const { catalog } = load;
  const packages = lib.selectPackages(catalog, opts);
  const tag = opts.tag ?? opts.release;
  const release = opts.release ?? (tag === undefined ? undefined : lib.releaseOfTag(catalog, tag)?.name);
  const effective = new Map<CatalogPackage, ReleasePackage>();
  if (tag !== undefined) {
    const byProject = new Map(lib.releasePackages(catalog, { release, tag }).map((p) => [p.project, p]));
    for (const pkg of packages) {
      const resolved = byProject.get(pkg.project);
      if (resolved) effective.set(pkg, resolved);
    }
  }
  if (opts.json) {
    const positions = await load.locate(packages.flatMap((pkg) => pkg.definedIn));
    let next = 0;
    writeJson(
      io,
      packages.map((pkg) => {
        const definedIn = positions.slice(next, next + pkg.definedIn.length);
        next += pkg.definedIn.length;
        return lib.packageJson(pkg, definedIn, effective.get(pkg));
      }),
    );
    return 0;
  }
  if (packages.length === 0) return 0;
  const header =
    tag === undefined
      ? ['NAME', 'PROJECT', 'COMPONENT', 'MAINTAINERS']
      : ['NAME', 'PROJECT', 'COMPONENT', 'SOURCE-BRANCH', 'DISTGIT-BRANCH'];
  const rows = packages.map((pkg) => {
    const resolved = effective.get(pkg);
    return resolved
      ? [pkg.name, pkg.project, pkg.component ?? '-', resolved.sourceBranch, resolved.distgitBranch]
      : [pkg.name, pkg.project, pkg.component ?? '-', pkg.maintainers.join(',')];
  });
  io.stdout(`${table([header, ...rows])}\n`);
  return 0;
}

async function runInfo(io: CliIo, command: Command, name: string, opts: CatalogOptions & ListOptions) {
  const lib = await catalogLib();
  const load = await loadValid(await catalogPath(command, opts.catalog));
  const { catalog } = load;
  const entry = join(catalog.root, catalog.entryFile);
  const found = lib.findPackages(catalog, name);
  if (found.length === 0) {
    const near = catalog.packages
      .filter((pkg) => pkg.name.includes(name) || pkg.project.includes(name))
      .slice(0, 5)
      .map((pkg) => pkg.name);
    throw new FerryError(
      'FERRY_NOT_FOUND',
      `no package or project named ${JSON.stringify(name)} in the catalog ${entry}${near.length ? ` (did you mean ${near.join(', ')}?)` : ''}`,
    );
  }
  const tag = opts.tag ?? opts.release;
  const release = opts.release ?? (tag === undefined ? undefined : lib.releaseOfTag(catalog, tag)?.name);
  const resolvedByProject = new Map(
    tag === undefined ? [] : lib.releasePackages(catalog, { release, tag }).map((p) => [p.project, p]),
  );
  const entries = await Promise.all(
    found.map(async (pkg) => {
      const resolved = resolvedByProject.get(pkg.project);
      const shown = resolved?.package ?? pkg;
      return { pkg: shown, definedIn: await load.locate(pkg.definedIn), resolved };
    }),
  );
  if (opts.json) {
    writeJson(
      io,
      entries.map((entry) => lib.packageJson(entry.pkg, entry.definedIn, entry.resolved)),
    );
    return 0;
  }
  const { dump } = (await import('js-yaml')).default;
  const blocks = entries.map((shown) => {
    const where = shown.definedIn.map((p) => `${p.file}:${p.line}:${p.column}`).join(', ');
    let text = `# ${shown.pkg.name} (project ${shown.pkg.project}), defined in ${where}\n`;
    if (tag !== undefined && !shown.resolved) text += `# not tagged ${tag}\n`;
    text += dump(shown.pkg.fields, { lineWidth: -1, noRefs: true });
    if (shown.resolved) {
      text += dump({ effective: lib.effectiveJson(shown.resolved) }, { lineWidth: -1, noRefs: true });
    }
    return text;
  });
  io.stdout(`# catalog ${entry}\n${blocks.join('\n')}`);
  return 0;
}

function withCatalogOption(command: Command): Command {
  return command
    .option(
      '--catalog <path>',
      'rdoinfo-format catalog file or checkout (default: catalog.path of ferry.yaml)',
    )
    .option('--json', 'print JSON (shapes in docs/catalog.md)');
}

export const registerCatalogCommand: CommandRegistration = (program, io, setExit) => {
  const catalog = program
    .command('catalog')
    .description('the package catalog (rdoinfo format): validate, list, info');

  withCatalogOption(catalog.command('validate'))
    .description('check the catalog; every problem with file:line:column and field (exit 2 when invalid)')
    .option('--notices', 'also show notices (likely typos that change nothing today)')
    .action(
      action(setExit, (opts: CatalogOptions & { notices?: boolean }, command: Command) =>
        runValidate(io, command, opts),
      ),
    );

  withCatalogOption(catalog.command('list'))
    .description('list packages, optionally of a tag or release, with its overrides applied')
    .option('--tag <tag>', 'only packages carrying this tag')
    .option('--release <release>', 'only packages of this release (its tag), with its branches')
    .option('--component <component>', 'only packages of this component')
    .option('--maintainer <text>', 'only packages with a maintainer address containing this')
    .action(action(setExit, (opts: ListOptions, command: Command) => runList(io, command, opts)));

  withCatalogOption(catalog.command('info'))
    .argument('<name>', 'package name (or project)')
    .description('every effective field of a package (all entries when a name is defined twice)')
    .option('--tag <tag>', 'apply this tag')
    .option('--release <release>', "apply this release's tag and show its branches")
    .action(
      action(setExit, (name: string, opts: ListOptions, command: Command) =>
        runInfo(io, command, name, opts),
      ),
    );
};
