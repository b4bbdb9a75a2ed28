import type { Kysely, Migration } from 'kysely';

import type { StoreDialect } from '../store-url.js';
import { withIdColumn } from './id-column.js';

/**
 * The first schema: DLRN's tables (projects, commits, civotes, civotes_agg,
 * promotions, users) with ferry's additions, and build_jobs for crash safety.
 * docs/store.md explains every table and index.
 */
export function initialMigration(dialect: StoreDialect): Migration {
  const withId = withIdColumn(dialect);

  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await withId(db.schema.createTable('projects'))
        .addColumn('project_name', 'text', (col) => col.notNull().unique())
        .addColumn('last_notified', 'bigint', (col) => col.notNull().defaultTo(0))
        .execute();

      await withId(db.schema.createTable('commits'))
        .addColumn('type', 'text', (col) => col.notNull().defaultTo('rpm'))
        .addColumn('dt_commit', 'bigint')
        .addColumn('dt_distro', 'bigint')
        .addColumn('dt_extended', 'bigint')
        .addColumn('dt_build', 'bigint')
        .addColumn('project_name', 'text', (col) => col.notNull())
        .addColumn('repo_dir', 'text')
        .addColumn('distgit_dir', 'text')
        .addColumn('commit_hash', 'text', (col) => col.notNull())
        .addColumn('distro_hash', 'text', (col) => col.notNull())
        .addColumn('extended_hash', 'text')
        .addColumn('commit_branch', 'text')
        .addColumn('status', 'text', (col) => col.notNull())
        .addColumn('component', 'text')
        .addColumn('artifacts', 'text')
        .addColumn('nvr', 'text')
        .addColumn('notes', 'text')
        .addColumn('flags', 'integer', (col) => col.notNull().defaultTo(0))
        .addColumn('versions_csv', 'text')
        .addColumn('notified', 'integer', (col) => col.notNull().defaultTo(0))
        .execute();
      // last processed / last successful build of a package (DLRN getCommits, getLastProcessedCommit)
      await db.schema
        .createIndex('commits_project_id')
        .on('commits')
        .columns(['project_name', 'id'])
        .execute();
      await db.schema
        .createIndex('commits_project_status_id')
        .on('commits')
        .columns(['project_name', 'status', 'id'])
        .execute();
      // _get_commit: the snapshot a vote, promotion or repo_status names
      await db.schema
        .createIndex('commits_hashes')
        .on('commits')
        .columns(['commit_hash', 'distro_hash', 'extended_hash'])
        .execute();
      // metrics/builds (status over a period) and purge (built before a date)
      await db.schema
        .createIndex('commits_status_build')
        .on('commits')
        .columns(['status', 'dt_build'])
        .execute();
      await db.schema.createIndex('commits_dt_build').on('commits').column('dt_build').execute();
      await db.schema
        .createIndex('commits_component_id')
        .on('commits')
        .columns(['component', 'id'])
        .execute();

      await withId(db.schema.createTable('civotes'))
        .addColumn('commit_id', 'integer', (col) => col.notNull().references('commits.id'))
        .addColumn('ci_name', 'text')
        .addColumn('ci_url', 'text')
        .addColumn('ci_vote', 'integer', (col) => col.notNull().defaultTo(0))
        .addColumn('ci_in_progress', 'integer', (col) => col.notNull().defaultTo(0))
        .addColumn('timestamp', 'bigint', (col) => col.notNull())
        .addColumn('notes', 'text')
        .addColumn('user', 'text')
        .addColumn('component', 'text')
        .execute();
      // last_tested_repo by job (ci_name) and age; the civotes page (newest first)
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
      // repo_status: every vote of one commit
      await db.schema.createIndex('civotes_commit').on('civotes').columns(['commit_id', 'ci_vote']).execute();

      await withId(db.schema.createTable('civotes_agg'))
        .addColumn('ref_hash', 'text', (col) => col.notNull())
        .addColumn('ci_name', 'text')
        .addColumn('ci_url', 'text')
        .addColumn('ci_vote', 'integer', (col) => col.notNull().defaultTo(0))
        .addColumn('ci_in_progress', 'integer', (col) => col.notNull().defaultTo(0))
        .addColumn('timestamp', 'bigint', (col) => col.notNull())
        .addColumn('notes', 'text')
        .addColumn('user', 'text')
        .execute();
      await db.schema
        .createIndex('civotes_agg_ref')
        .on('civotes_agg')
        .columns(['ref_hash', 'ci_vote'])
        .execute();
      await db.schema.createIndex('civotes_agg_ts').on('civotes_agg').column('timestamp').execute();
      await db.schema
        .createIndex('civotes_agg_ci_name_ts')
        .on('civotes_agg')
        .columns(['ci_name', 'timestamp'])
        .execute();

      await withId(db.schema.createTable('promotions'))
        .addColumn('commit_id', 'integer', (col) => col.notNull().references('commits.id'))
        .addColumn('promotion_name', 'text', (col) => col.notNull())
        .addColumn('timestamp', 'bigint', (col) => col.notNull())
        .addColumn('user', 'text')
        .addColumn('component', 'text')
        .addColumn('aggregate_hash', 'text')
        .execute();
      // promotions?promote_name=X (newest first), by commit, by aggregate hash, components list
      await db.schema
        .createIndex('promotions_name_id')
        .on('promotions')
        .columns(['promotion_name', 'id'])
        .execute();
      await db.schema
        .createIndex('promotions_name_ts')
        .on('promotions')
        .columns(['promotion_name', 'timestamp'])
        .execute();
      await db.schema.createIndex('promotions_commit').on('promotions').column('commit_id').execute();
      await db.schema.createIndex('promotions_agg').on('promotions').column('aggregate_hash').execute();
      await db.schema
        .createIndex('promotions_component')
        .on('promotions')
        .columns(['component', 'id'])
        .execute();

      await db.schema
        .createTable('users')
        .addColumn('username', 'text', (col) => col.primaryKey())
        .addColumn('password_hash', 'text', (col) => col.notNull())
        .addColumn('role', 'text', (col) => col.notNull())
        .addColumn('created_at', 'bigint', (col) => col.notNull())
        .addColumn('updated_at', 'bigint', (col) => col.notNull())
        .execute();

      await withId(db.schema.createTable('build_jobs'))
        .addColumn('build_key', 'text', (col) => col.notNull().unique())
        .addColumn('type', 'text', (col) => col.notNull())
        .addColumn('project_name', 'text', (col) => col.notNull())
        .addColumn('commit_hash', 'text', (col) => col.notNull())
        .addColumn('distro_hash', 'text', (col) => col.notNull())
        .addColumn('extended_hash', 'text')
        .addColumn('commit_branch', 'text')
        .addColumn('component', 'text')
        .addColumn('dt_commit', 'bigint')
        .addColumn('dt_distro', 'bigint')
        .addColumn('dt_extended', 'bigint')
        .addColumn('repo_dir', 'text')
        .addColumn('distgit_dir', 'text')
        .addColumn('dt_build', 'bigint', (col) => col.notNull())
        .addColumn('owner', 'text', (col) => col.notNull())
        .addColumn('heartbeat', 'bigint', (col) => col.notNull())
        .addColumn('attempt', 'integer', (col) => col.notNull().defaultTo(1))
        .execute();
    },

    async down(db: Kysely<unknown>): Promise<void> {
      for (const table of [
        'build_jobs',
        'users',
        'promotions',
        'civotes_agg',
        'civotes',
        'commits',
        'projects',
      ]) {
        await db.schema.dropTable(table).execute();
      }
    },
  };
}
