import { z } from 'zod';

/**
 * ferry.yaml, the workspace configuration. This schema is the single source of
 * truth: defaults, validation and the TypeScript type all come from it.
 * Unknown keys are errors (strict objects), reported with file:line.
 */
export const configSchema = z.strictObject({
  catalog: z
    .strictObject({
      /** A catalog file (rdoinfo format) or a checkout holding one; relative to the workspace. */
      path: z.string().min(1).default('catalog/catalog.yml'),
      /** The release (or tag) whose packages are built. */
      release: z.string().min(1).optional(),
      /** Only packages carrying this tag (default: the release). */
      tag: z.string().min(1).optional(),
    })
    .default({ path: 'catalog/catalog.yml' }),
  distro: z
    .strictObject({
      dist: z.string().default('.el9'),
      /** rpm macros defined for every build (rpmbuild --define "name value"). */
      macros: z.record(z.string(), z.union([z.string(), z.number()])).default({}),
    })
    .default({ dist: '.el9', macros: {} }),
  /** Base URL written into delorean.repo files: where `repos/` is served. */
  baseurl: z.string().min(1).default('http://localhost:8080/repos'),
  /** `sqlite:PATH` (relative to the workspace) or `postgres://user@host/db`. */
  database: z.string().min(1).default('sqlite:ferry.db'),
  build: z
    .strictObject({
      driver: z.string().min(1).default('rpmbuild'),
      workers: z.number().int().min(1).max(64).default(2),
      /** Repositories (directories or URLs with repodata) that may satisfy BuildRequires. */
      lookaside: z.array(z.string().min(1)).default([]),
      /** Seconds before a build is killed. */
      timeout: z.number().int().positive().default(3600),
    })
    .default({ driver: 'rpmbuild', workers: 2, lookaside: [], timeout: 3600 }),
  retry: z
    .strictObject({
      /** Regular expressions matched against a failed build's log: a match makes it RETRY, not FAILED. */
      patterns: z.array(z.string()).default([]),
      max: z.number().int().min(0).default(3),
    })
    .default({ patterns: [], max: 3 }),
  notify: z
    .strictObject({
      command: z.string().nullable().default(null),
      webhook: z.string().nullable().default(null),
    })
    .default({ command: null, webhook: null }),
  server: z
    .strictObject({
      host: z.string().default('127.0.0.1'),
      port: z.number().int().min(0).max(65535).default(8080),
      protect_reads: z.boolean().default(false),
    })
    .default({ host: '127.0.0.1', port: 8080, protect_reads: false }),
});

export type FerryConfig = z.infer<typeof configSchema>;
