import type { Kysely, Migration } from 'kysely';

/**
 * Indexes measured by bench/store at 20,000 commits and 100,000 votes:
 * - the vote indexes end with `id`, so "newest vote" (ORDER BY timestamp DESC,
 *   id DESC LIMIT 1) is one backward index scan on PostgreSQL too (SQLite's
 *   indexes end with the rowid already); before, PostgreSQL read every vote
 *   of the job and sorted them;
 * - a covering index for "newest build of every package" (type, package,
 *   status, id), read without touching the table; it also serves "newest
 *   build of a package with a status", so commits_project_status_id goes.
 */
export const queryOrderIndexes: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropIndex('civotes_ci_name_ts').execute();
    await db.schema.dropIndex('civotes_ts').execute();
    await db.schema.dropIndex('civotes_component_ts').execute();
    await db.schema
      .createIndex('civotes_ci_name_ts_id')
      .on('civotes')
      .columns(['ci_name', 'timestamp', 'id'])
      .execute();
    await db.schema.createIndex('civotes_ts_id').on('civotes').columns(['timestamp', 'id']).execute();
    await db.schema
      .createIndex('civotes_component_ts_id')
      .on('civotes')
      .columns(['component', 'timestamp', 'id'])
      .execute();
    await db.schema
      .createIndex('commits_type_project_status_id')
      .on('commits')
      .columns(['type', 'project_name', 'status', 'id'])
      .execute();
    await db.schema.dropIndex('commits_project_status_id').execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createIndex('commits_project_status_id')
      .on('commits')
      .columns(['project_name', 'status', 'id'])
      .execute();
    await db.schema.dropIndex('commits_type_project_status_id').execute();
    await db.schema.dropIndex('civotes_component_ts_id').execute();
    await db.schema.dropIndex('civotes_ts_id').execute();
    await db.schema.dropIndex('civotes_ci_name_ts_id').execute();
    await db.schema
      .createIndex('civotes_ci_name_ts')
      .on('civotes')
      .columns(['ci_name', 'timestamp'])
      .execute();
    await db.schema.createIndex('civotes_ts').on('civotes').column('timestamp').execute();
    await db.schema
      .createIndex('civotes_component_ts')
      .on('civotes')
      .columns(['component', 'timestamp'])
      .execute();
  },
};
