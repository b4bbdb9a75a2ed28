/**
 * The newest build of every package: what each publish links into its
 * snapshot, `ferry status`, the consistency check and the API's package
 * lists. These queries run on every publish, so they must not grow with the
 * history: `GROUP BY project_name` reads every build ever recorded (33 ms per
 * publish at 200,000 builds on SQLite). Instead the packages are walked
 * through the (type, project_name, ...) index one seek at a time (a loose
 * index scan, as a recursive CTE both dialects run), and each package's
 * newest build is one more seek: the cost grows with the number of packages
 * and only logarithmically with the history (0.8 ms at 200,000 builds).
 */
import type { ExpressionBuilder, Kysely, Selectable } from 'kysely';

import { toCommit, type BuildStatus, type CommitRecord, type CommitType } from './records.js';
import type { CommitsTable, Database } from './schema.js';
import { runTemplate } from './query-template.js';
import type { StoreContext } from './store-context.js';

/** Filters of `lastBuildsPerProject`. */
export interface LastBuildsFilter {
  readonly type?: CommitType;
  /** Only builds with this status (e.g. SUCCESS: the newest good build of each package). */
  readonly status?: BuildStatus;
  /** Skip builds with this status (e.g. RETRY: the newest processed build of each package). */
  readonly withoutStatus?: BuildStatus;
  readonly component?: string;
  readonly projects?: readonly string[];
}

/** The CTE the package walk adds to a query. */
type WalkDatabase = Database & { project_walk: { name: string | null } };

/**
 * Starts a query with the walk over the packages that have builds of
 * `type` (`project_walk.name`, one row per package plus a final null).
 */
function withProjectWalk(db: Kysely<Database>, type: CommitType) {
  return db.withRecursive('project_walk(name)', (qb) =>
    qb
      .selectFrom('commits')
      .select((eb) => eb.fn.min<string | null>('project_name').as('name'))
      .where('type', '=', type)
      .unionAll((next) =>
        next
          .selectFrom('project_walk')
          .select((eb) =>
            eb
              .selectFrom('commits')
              .select((inner) => inner.fn.min('commits.project_name').as('name'))
              .where('commits.type', '=', type)
              .whereRef('commits.project_name', '>', 'project_walk.name')
              .as('name'),
          )
          .where('project_walk.name', 'is not', null),
      ),
  );
}

/** Per walked package, the id of its newest build of `type` that `narrow` keeps (null when none). */
function newestIdPerProject(
  eb: ExpressionBuilder<WalkDatabase, 'commits'>,
  type: CommitType,
  narrow: (query: ReturnType<typeof buildsOfWalkedProject>) => ReturnType<typeof buildsOfWalkedProject> = (
    query,
  ) => query,
) {
  return eb
    .selectFrom('project_walk')
    .select((outer) => narrow(buildsOfWalkedProject(outer, type)).as('id'))
    .where('project_walk.name', 'is not', null);
}

function buildsOfWalkedProject(eb: ExpressionBuilder<WalkDatabase, 'project_walk'>, type: CommitType) {
  return eb
    .selectFrom('commits as c')
    .select('c.id')
    .whereRef('c.project_name', '=', 'project_walk.name')
    .where('c.type', '=', type)
    .orderBy('c.id', 'desc')
    .limit(1);
}

/** The rows of the newest build of every package matching `filter`. */
function newestBuilds(db: Kysely<Database>, filter: LastBuildsFilter) {
  return withProjectWalk(db, filter.type ?? 'rpm')
    .selectFrom('commits')
    .where('commits.id', 'in', (eb) =>
      newestIdPerProject(eb, filter.type ?? 'rpm', (query) => {
        let newest = query;
        if (filter.status !== undefined) newest = newest.where('c.status', '=', filter.status);
        if (filter.withoutStatus !== undefined) newest = newest.where('c.status', '!=', filter.withoutStatus);
        if (filter.component !== undefined) newest = newest.where('c.component', '=', filter.component);
        if (filter.projects !== undefined) {
          newest = newest.where(
            'c.project_name',
            'in',
            filter.projects.length > 0 ? [...filter.projects] : [''],
          );
        }
        return newest;
      }),
    );
}

export function lastBuildsQuery(db: Kysely<Database>, filter: LastBuildsFilter) {
  return newestBuilds(db, filter).selectAll('commits').orderBy('commits.project_name');
}

/**
 * The newest build of every package in one query, sorted by package name:
 * `ferry status`, the consistency check, versions.csv and GraphQL packageStatus.
 */
export async function lastBuildsPerProject(
  ctx: StoreContext,
  filter: LastBuildsFilter = {},
): Promise<CommitRecord[]> {
  const rows = await lastBuildsQuery(ctx.db, filter).execute();
  return rows.map(toCommit);
}

/** What the chaser needs of a package's newest build to link its RPMs into a snapshot. */
export interface BuildRef {
  readonly projectName: string;
  readonly commitHash: string;
  readonly distroHash: string;
  readonly extendedHash: string | null;
  readonly component: string | null;
  readonly status: string;
  readonly dtBuild: number | null;
  /** Its files, comma-separated (the artifacts column). */
  readonly artifacts: string | null;
}

/** The columns of a BuildRef (and the id, to order by). */
const BUILD_REF_COLUMNS = [
  'commits.id',
  'commits.project_name',
  'commits.commit_hash',
  'commits.distro_hash',
  'commits.extended_hash',
  'commits.component',
  'commits.status',
  'commits.dt_build',
  'commits.artifacts',
] as const;

/** A row of BUILD_REF_COLUMNS (the names without their table). */
type BuildRefRow = Pick<
  Selectable<CommitsTable>,
  (typeof BUILD_REF_COLUMNS)[number] extends `commits.${infer C extends keyof CommitsTable}` ? C : never
>;

function toBuildRef(row: BuildRefRow): BuildRef {
  return {
    projectName: row.project_name,
    commitHash: row.commit_hash,
    distroHash: row.distro_hash,
    extendedHash: row.extended_hash,
    component: row.component,
    status: row.status,
    dtBuild: row.dt_build,
    artifacts: row.artifacts,
  };
}

/**
 * `lastBuildsPerProject` without the wide columns: every publish reads the
 * newest builds of all packages twice, and a commit's versions.csv (a line
 * per package) made those reads grow with the square of the catalog.
 */
export async function lastBuildRefs(ctx: StoreContext, filter: LastBuildsFilter = {}): Promise<BuildRef[]> {
  const rows = await newestBuilds(ctx.db, filter)
    .select(BUILD_REF_COLUMNS)
    .orderBy('commits.project_name')
    .execute();
  return rows.map(toBuildRef);
}

/** The query of newestBuildRefs (exported for its plan test). */
export function newestBuildRefsQuery(db: Kysely<Database>, p: { type: CommitType; status: BuildStatus }) {
  return (
    withProjectWalk(db, p.type)
      .selectFrom('commits')
      .select(BUILD_REF_COLUMNS)
      // One list of ids (a UNION): with an OR of two lists PostgreSQL reads every build.
      .where('commits.id', 'in', (eb) =>
        newestIdPerProject(eb, p.type).union(
          newestIdPerProject(eb, p.type, (query) => query.where('c.status', '=', p.status)),
        ),
      )
      .orderBy('commits.id')
  );
}

/**
 * Both newest builds of every rpm package a publish needs, in one query: the
 * newest successful one (its RPMs are linked) and the newest of any status
 * (is the package failing?). Mostly the same row, read once.
 */
export async function newestBuildRefs(
  ctx: StoreContext,
): Promise<{ success: Map<string, BuildRef>; processed: Map<string, BuildRef> }> {
  const rows = await runTemplate(ctx, 'newestBuildRefs', newestBuildRefsQuery, {
    type: 'rpm',
    status: 'SUCCESS',
  });
  const success = new Map<string, BuildRef>();
  const processed = new Map<string, BuildRef>();
  // In id order: a later row of a package replaces an earlier one.
  for (const row of rows) {
    const ref = toBuildRef(row);
    processed.set(ref.projectName, ref);
    if (ref.status === 'SUCCESS') success.set(ref.projectName, ref);
  }
  return { success, processed };
}
