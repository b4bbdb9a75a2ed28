import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';

import type { Command } from 'commander';
import { stringify } from 'yaml';
import type { z } from 'zod';

import {
  CONFIG_FILE,
  configSchema,
  loadConfig,
  parseConfig,
  resolveWorkspaceDir,
  workspaceFromConfig,
} from '../../config/index.js';
import { FerryError } from '../../errors.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { action, workspaceOption, type CliIo, type CommandRegistration } from '../command-context.js';

/**
 * One line of explanation per ferry.yaml key (dotted path). A key of the
 * schema without an entry here still appears in the template, with its
 * default; init.test.ts fails until it gets its comment.
 */
export const CONFIG_COMMENTS: Readonly<Record<string, string>> = {
  catalog: 'The package catalog (rdoinfo format): which packages are built, from where.',
  'catalog.path': 'A catalog file or a checkout holding one, relative to the workspace.',
  'catalog.release': 'The release (or tag) whose packages are built, e.g. caracal.',
  'catalog.tag': 'Only packages carrying this tag (default: the release).',
  distro: 'The distribution the packages are built for.',
  'distro.dist': 'The %{dist} of every build (.el9, .fc41, ...).',
  'distro.macros': 'rpm macros defined for every build (rpmbuild --define "name value").',
  baseurl: 'Base URL written into delorean.repo files: where repos/ is served (ferry serve serves it).',
  database: 'sqlite:PATH (relative to the workspace) or postgres://user@host:port/db to share the work.',
  build: 'How packages are built.',
  'build.driver': 'Build driver: rpmbuild in an isolated topdir.',
  'build.workers': 'Builds run in parallel (published in order).',
  'build.lookaside': 'Repositories (directories or URLs with repodata) that may satisfy BuildRequires.',
  'build.timeout': 'Seconds before a build is killed.',
  retry: 'Transient build failures.',
  'retry.patterns':
    "Regular expressions matched against a failed build's log: a match makes it RETRY, not FAILED.",
  'retry.max': 'Retries of one commit before it is recorded as FAILED.',
  notify: 'Failure notifications, at most once a day per package.',
  'notify.command': 'Command run when a package fails (null: none).',
  'notify.webhook': 'URL that receives a JSON POST when a package fails (null: none).',
  server: 'ferry serve: the DLRN-compatible API, repos/ over HTTP and the dashboard.',
  'server.host': 'Address to listen on.',
  'server.port': 'Port to listen on.',
  'server.protect_reads': 'Require a user (role read or more) for GET requests too.',
};

/** Example values shown (commented out) for keys that have no default. */
const EXAMPLES: Readonly<Record<string, unknown>> = {
  'catalog.release': 'caracal',
  'catalog.tag': 'caracal-uc',
};

type AnySchema = z.core.$ZodType;

/** The schema under default/optional/nullable wrappers, and whether a value is optional without default. */
function unwrap(schema: AnySchema): AnySchema {
  let current = schema;
  for (;;) {
    const def = current._zod.def as { type: string; innerType?: AnySchema };
    if (
      (def.type === 'default' ||
        def.type === 'optional' ||
        def.type === 'nullable' ||
        def.type === 'prefault') &&
      def.innerType
    ) {
      current = def.innerType;
    } else {
      return current;
    }
  }
}

function shapeOf(schema: AnySchema): Record<string, AnySchema> | undefined {
  const def = unwrap(schema)._zod.def as { type: string; shape?: Record<string, AnySchema> };
  return def.type === 'object' ? def.shape : undefined;
}

/** Every key path of ferry.yaml (`build.workers`, ...), sections before their keys, in schema order. */
export function configKeyPaths(): string[] {
  const paths: string[] = [];
  const walk = (shape: Record<string, AnySchema>, prefix: string) => {
    for (const [key, schema] of Object.entries(shape)) {
      const path = prefix ? `${prefix}.${key}` : key;
      paths.push(path);
      const inner = shapeOf(schema);
      if (inner) walk(inner, path);
    }
  };
  walk(configSchema.shape, '');
  return paths;
}

function scalar(value: unknown): string {
  return stringify(value, { collectionStyle: 'flow', lineWidth: 0 }).trimEnd();
}

/**
 * The commented ferry.yaml `ferry init` writes: every key of the schema with
 * its default (or a commented-out example when it has none) and one line of
 * explanation. It loads back to the defaults (with `database` when given).
 */
export function renderConfigTemplate(options: { readonly database?: string } = {}): string {
  const defaults = configSchema.parse({}) as Record<string, unknown>;
  const lines = [
    '# ferry workspace configuration, written by `ferry init`.',
    '# Every key is shown with its default; unknown keys are errors (reported with file:line).',
    '',
  ];
  const walk = (
    shape: Record<string, AnySchema>,
    values: Record<string, unknown>,
    prefix: string,
    indent: string,
  ) => {
    for (const [key, schema] of Object.entries(shape)) {
      const path = prefix ? `${prefix}.${key}` : key;
      const comment = CONFIG_COMMENTS[path];
      const inner = shapeOf(schema);
      if (!prefix && lines.at(-1) !== '') lines.push('');
      if (comment) lines.push(`${indent}# ${comment}`);
      if (inner) {
        lines.push(`${indent}${key}:`);
        walk(inner, (values[key] ?? {}) as Record<string, unknown>, path, `${indent}  `);
        continue;
      }
      const value = path === 'database' && options.database !== undefined ? options.database : values[key];
      if (value === undefined) lines.push(`${indent}# ${key}: ${scalar(EXAMPLES[path] ?? '')}`);
      else lines.push(`${indent}${key}: ${scalar(value)}`);
    }
  };
  walk(configSchema.shape, defaults, '', '');
  return `${lines.join('\n')}\n`;
}

interface InitOptions {
  readonly database?: string;
  readonly json?: boolean;
}

/** `ferry init --json` (docs/store.md). */
interface InitJson {
  readonly workspace: string;
  readonly config_file: string;
  readonly config_created: boolean;
  readonly database: string;
  readonly migrations_applied: readonly string[];
  readonly schema_version: string | null;
}

async function runInit(
  io: CliIo,
  command: Command,
  dirArg: string | undefined,
  options: InitOptions,
): Promise<number> {
  const dir = dirArg !== undefined ? resolve(dirArg) : resolveWorkspaceDir(workspaceOption(command));
  const configFile = join(dir, CONFIG_FILE);
  const created = !existsSync(configFile);
  let config;
  let text: string | undefined;
  if (created) {
    // The store's own reading of --database first: its message names the option's value, not a line of
    // a ferry.yaml that is not written yet.
    if (options.database !== undefined)
      (await import('../../store/index.js')).parseStoreUrl(options.database);
    text = renderConfigTemplate(options.database === undefined ? {} : { database: options.database });
    // Validate before anything is written, so a bad --database never leaves a broken workspace behind.
    config = parseConfig(text, configFile);
  } else {
    if (options.database !== undefined) {
      throw new FerryError(
        'FERRY_USAGE',
        `${configFile} exists: edit its database key instead of passing --database`,
      );
    }
    config = await loadConfig(configFile);
  }
  const workspace = workspaceFromConfig(dir, config, configFile);
  const { openStore, parseStoreUrl } = await import('../../store/index.js');
  parseStoreUrl(workspace.databaseUrl);
  await mkdir(dir, { recursive: true });
  // The database first: when it cannot be reached, no ferry.yaml claims a workspace that does not work.
  const store = await openStore(workspace.databaseUrl, { create: true });
  await store.close();
  if (text !== undefined) await writeFileAtomic(configFile, text);
  await mkdir(workspace.reposDir, { recursive: true });
  await mkdir(workspace.sourcesDir, { recursive: true });

  const report: InitJson = {
    workspace: dir,
    config_file: configFile,
    config_created: created,
    database: store.url,
    migrations_applied: store.migrations.applied,
    schema_version: store.migrations.current ?? null,
  };
  if (options.json) {
    io.stdout(`${JSON.stringify(report, null, 2)}\n`);
    return 0;
  }
  io.stdout(`${created ? 'created' : 'kept existing'} ${configFile}\n`);
  io.stdout(
    report.migrations_applied.length > 0
      ? `database ${report.database}: applied ${report.migrations_applied.join(', ')}\n`
      : `database ${report.database}: schema up to date (${report.schema_version})\n`,
  );
  if (created)
    io.stdout(`next: set catalog.path and catalog.release in ${CONFIG_FILE}, then run ferry chase\n`);
  return 0;
}

export const registerInitCommand: CommandRegistration = (program, io, setExit) => {
  program
    .command('init [dir]')
    .description(
      'create a workspace (commented ferry.yaml, database), or upgrade the database of an existing one',
    )
    .option('--database <url>', 'database URL for a new workspace (default sqlite:ferry.db)')
    .option('--json', 'print JSON (docs/store.md)')
    .action(
      action(setExit, (dir: string | undefined, options: InitOptions, command: Command) =>
        runInit(io, command, dir, options),
      ),
    );
};
