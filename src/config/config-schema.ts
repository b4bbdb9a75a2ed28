import { z } from 'zod';

import { isSafeName } from '../util/names.js';

/**
 * ferry.yaml, the workspace configuration. This schema is the single source of
 * truth: defaults, validation and the TypeScript type all come from it.
 * Unknown keys are errors (strict objects), reported with file:line.
 *
 * Every value is checked here, when the file is loaded, not when a command
 * first uses it: a regular expression that does not compile, a URL that is
 * not one or a path with a NUL byte would otherwise fail later, far from
 * ferry.yaml (a bad `retry.patterns` entry replaced the reason of every
 * failed build by "Invalid regular expression").
 */

/** Build drivers ferry has: the ids of build/driver-registry.ts's BUILD_DRIVERS (config-schema.test.ts checks they agree). */
export const BUILD_DRIVER_IDS = ['rpmbuild'] as const;

/** Longest retry pattern: patterns are matched against every line of every failed build's log. */
const MAX_PATTERN_LENGTH = 1000;

/** Text without control characters (a newline in a path, a host or a macro is always a mistake). */
const text = () =>
  z
    .string()
    .refine((value) => !/\p{Cc}/u.test(value), 'must not contain control characters (newline, tab, NUL...)');
const nonEmptyText = () => text().min(1, 'must not be empty');

/** A URL of one of `protocols`, with a host unless it is a file: URL. */
function url(protocols: readonly string[]) {
  return nonEmptyText().superRefine((value, ctx) => {
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      ctx.addIssue({ code: 'custom', message: `not a URL: ${JSON.stringify(value)}` });
      return;
    }
    const protocol = parsed.protocol.slice(0, -1);
    if (!protocols.includes(protocol)) {
      ctx.addIssue({
        code: 'custom',
        message: `${protocol}: URLs are not supported here (use ${protocols.map((p) => `${p}:`).join(', ')})`,
      });
    } else if (protocol !== 'file' && parsed.hostname === '') {
      ctx.addIssue({ code: 'custom', message: `URL without a host: ${JSON.stringify(value)}` });
    }
  });
}

/** A regular expression as classifyFailure compiles it (JavaScript syntax, no flags). */
const regularExpression = z
  .string()
  .min(1, 'must not be empty')
  .max(MAX_PATTERN_LENGTH, `must be at most ${MAX_PATTERN_LENGTH} characters`)
  .superRefine((pattern, ctx) => {
    try {
      new RegExp(pattern);
    } catch (error) {
      ctx.addIssue({
        code: 'custom',
        message: `not a valid regular expression (JavaScript syntax): ${(error as Error).message.replace(/^Invalid regular expression: /, '')}`,
      });
    }
  });

/** `sqlite:PATH`, `sqlite::memory:`, or `postgres://user@host:port/db` (the forms store/store-url.ts accepts). */
const databaseUrl = nonEmptyText().superRefine((value, ctx) => {
  if (value.startsWith('sqlite:')) return;
  if (value.startsWith('postgres://') || value.startsWith('postgresql://')) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(value);
    } catch {
      parsed = undefined;
    }
    if (!parsed || parsed.hostname === '') {
      ctx.addIssue({ code: 'custom', message: 'not a valid postgres:// URL' });
    } else if (parsed.pathname.length <= 1) {
      ctx.addIssue({ code: 'custom', message: 'names no database (postgres://user@host:port/DATABASE)' });
    }
    return;
  }
  ctx.addIssue({
    code: 'custom',
    message: 'use sqlite:PATH, sqlite::memory: or postgres://user@host:port/db',
  });
});

/** A release or tag name (they become paths and labels). */
const tagName = () =>
  z.string().refine(isSafeName, "must be a name: letters, digits, '.', '_', '+', '-' (no '/', no '..')");

/** An rpm macro name (`rpmbuild --define "name value"`). */
const macroName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'not an rpm macro name');

/** A host name or IP address to listen on. */
const host = nonEmptyText().regex(/^[A-Za-z0-9._:%[\]-]+$/, 'not a host name or IP address');

/** A directory (relative to the workspace) or an http(s)/file URL holding a repository. */
const repository = nonEmptyText().superRefine((value, ctx) => {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return;
  if (!/^(?:https?|file):\/\//i.test(value)) {
    ctx.addIssue({ code: 'custom', message: 'use a directory, an http(s):// URL or a file:// URL' });
    return;
  }
  try {
    new URL(value);
  } catch {
    ctx.addIssue({ code: 'custom', message: `not a URL: ${JSON.stringify(value)}` });
  }
});

export const configSchema = z.strictObject({
  catalog: z
    .strictObject({
      /** A catalog file (rdoinfo format) or a checkout holding one; relative to the workspace. */
      path: nonEmptyText().default('catalog/catalog.yml'),
      /** The release (or tag) whose packages are built. */
      release: tagName().optional(),
      /** Only packages carrying this tag (default: the release). */
      tag: tagName().optional(),
    })
    .default({ path: 'catalog/catalog.yml' }),
  distro: z
    .strictObject({
      dist: text().regex(/^\S*$/, 'must not contain spaces').default('.el9'),
      /** rpm macros defined for every build (rpmbuild --define "name value"). */
      macros: z.record(macroName, z.union([text(), z.number().finite()])).default({}),
    })
    .default({ dist: '.el9', macros: {} }),
  /** Base URL written into delorean.repo files: where `repos/` is served. */
  baseurl: url(['http', 'https', 'ftp', 'file']).default('http://localhost:8080/repos'),
  /** `sqlite:PATH` (relative to the workspace) or `postgres://user@host/db`. */
  database: databaseUrl.default('sqlite:ferry.db'),
  build: z
    .strictObject({
      driver: z.enum(BUILD_DRIVER_IDS).default('rpmbuild'),
      workers: z.number().int().min(1).max(64).default(2),
      /** Repositories (directories or URLs with repodata) that may satisfy BuildRequires. */
      lookaside: z.array(repository).default([]),
      /** Seconds before a build is killed (at most a week). */
      timeout: z.number().int().positive().max(604_800).default(3600),
    })
    .default({ driver: 'rpmbuild', workers: 2, lookaside: [], timeout: 3600 }),
  retry: z
    .strictObject({
      /** Regular expressions matched against a failed build's log: a match makes it RETRY, not FAILED. */
      patterns: z.array(regularExpression).default([]),
      max: z.number().int().min(0).max(100).default(3),
    })
    .default({ patterns: [], max: 3 }),
  notify: z
    .strictObject({
      /** A program (path or name on PATH; no shell, no arguments). */
      command: nonEmptyText().nullable().default(null),
      webhook: url(['http', 'https']).nullable().default(null),
    })
    .default({ command: null, webhook: null }),
  server: z
    .strictObject({
      host: host.default('127.0.0.1'),
      port: z.number().int().min(0).max(65535).default(8080),
      protect_reads: z.boolean().default(false),
    })
    .default({ host: '127.0.0.1', port: 8080, protect_reads: false }),
});

export type FerryConfig = z.infer<typeof configSchema>;
