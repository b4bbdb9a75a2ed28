import BetterSqlite3 from 'better-sqlite3';
import { createConnection } from 'mysql2/promise';

import type { MariadbTestDatabase } from '../helpers/databases.js';

/**
 * A DLRN database as DLRN's SQLAlchemy models (dlrn/db.py, after every
 * alembic migration) create it, in SQLite and in MariaDB, filled with rows
 * covering what real DLRN databases hold: floats in integer columns, the
 * string 'None', votes and promotions by users, aggregate votes, a vote on a
 * commit that no longer exists, duplicated project rows.
 */

const SQLITE_DDL = [
  `CREATE TABLE commits (id INTEGER NOT NULL, type VARCHAR(18), dt_commit INTEGER, dt_distro INTEGER, dt_extended INTEGER,
    dt_build INTEGER, project_name VARCHAR(256), repo_dir VARCHAR(1024), distgit_dir VARCHAR(1024), commit_hash VARCHAR(64),
    distro_hash VARCHAR(64), extended_hash VARCHAR(128), commit_branch VARCHAR(256), status VARCHAR(64), component VARCHAR(64),
    artifacts TEXT, notes TEXT, flags INTEGER, versions_csv VARCHAR(256), PRIMARY KEY (id))`,
  'CREATE TABLE projects (id INTEGER NOT NULL, project_name VARCHAR(256), last_email INTEGER, PRIMARY KEY (id))',
  'CREATE TABLE users (username VARCHAR(255) NOT NULL, password VARCHAR(256) NOT NULL, PRIMARY KEY (username))',
  `CREATE TABLE civotes (id INTEGER NOT NULL, commit_id INTEGER NOT NULL, ci_name VARCHAR(256), ci_url VARCHAR(1024),
    ci_vote BOOLEAN, ci_in_progress BOOLEAN, timestamp INTEGER, notes TEXT, user VARCHAR(255), component VARCHAR(64),
    PRIMARY KEY (id), FOREIGN KEY(commit_id) REFERENCES commits (id), CONSTRAINT civ_user_fk FOREIGN KEY(user) REFERENCES users (username))`,
  `CREATE TABLE civotes_agg (id INTEGER NOT NULL, ref_hash VARCHAR(64) NOT NULL, ci_name VARCHAR(256), ci_url VARCHAR(1024),
    ci_vote BOOLEAN, ci_in_progress BOOLEAN, timestamp INTEGER, notes TEXT, user VARCHAR(255), PRIMARY KEY (id),
    FOREIGN KEY(user) REFERENCES users (username))`,
  `CREATE TABLE promotions (id INTEGER NOT NULL, commit_id INTEGER NOT NULL, promotion_name VARCHAR(256) NOT NULL,
    timestamp INTEGER NOT NULL, user VARCHAR(255), component VARCHAR(64), aggregate_hash VARCHAR(64), PRIMARY KEY (id),
    FOREIGN KEY(commit_id) REFERENCES commits (id), CONSTRAINT prom_user_fk FOREIGN KEY(user) REFERENCES users (username))`,
  'CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))',
];

/** The same models as MariaDB gets them (Boolean is tinyint(1); ids AUTO_INCREMENT; InnoDB with foreign keys). */
const MARIADB_DDL = [
  `CREATE TABLE commits (id INTEGER NOT NULL AUTO_INCREMENT, type VARCHAR(18), dt_commit INTEGER, dt_distro INTEGER,
    dt_extended INTEGER, dt_build INTEGER, project_name VARCHAR(256), repo_dir VARCHAR(1024), distgit_dir VARCHAR(1024),
    commit_hash VARCHAR(64), distro_hash VARCHAR(64), extended_hash VARCHAR(128), commit_branch VARCHAR(256),
    status VARCHAR(64), component VARCHAR(64), artifacts TEXT, notes TEXT, flags INTEGER, versions_csv VARCHAR(256),
    PRIMARY KEY (id)) ENGINE=InnoDB`,
  'CREATE TABLE projects (id INTEGER NOT NULL AUTO_INCREMENT, project_name VARCHAR(256), last_email INTEGER, PRIMARY KEY (id)) ENGINE=InnoDB',
  'CREATE TABLE users (username VARCHAR(255) NOT NULL, password VARCHAR(256) NOT NULL, PRIMARY KEY (username)) ENGINE=InnoDB',
  `CREATE TABLE civotes (id INTEGER NOT NULL AUTO_INCREMENT, commit_id INTEGER NOT NULL, ci_name VARCHAR(256),
    ci_url VARCHAR(1024), ci_vote BOOL, ci_in_progress BOOL, timestamp INTEGER, notes TEXT, \`user\` VARCHAR(255),
    component VARCHAR(64), PRIMARY KEY (id), FOREIGN KEY(commit_id) REFERENCES commits (id),
    CONSTRAINT civ_user_fk FOREIGN KEY(\`user\`) REFERENCES users (username)) ENGINE=InnoDB`,
  `CREATE TABLE civotes_agg (id INTEGER NOT NULL AUTO_INCREMENT, ref_hash VARCHAR(64) NOT NULL, ci_name VARCHAR(256),
    ci_url VARCHAR(1024), ci_vote BOOL, ci_in_progress BOOL, timestamp INTEGER, notes TEXT, \`user\` VARCHAR(255),
    PRIMARY KEY (id), FOREIGN KEY(\`user\`) REFERENCES users (username)) ENGINE=InnoDB`,
  `CREATE TABLE promotions (id INTEGER NOT NULL AUTO_INCREMENT, commit_id INTEGER NOT NULL,
    promotion_name VARCHAR(256) NOT NULL, timestamp INTEGER NOT NULL, \`user\` VARCHAR(255), component VARCHAR(64),
    aggregate_hash VARCHAR(64), PRIMARY KEY (id), FOREIGN KEY(commit_id) REFERENCES commits (id),
    CONSTRAINT prom_user_fk FOREIGN KEY(\`user\`) REFERENCES users (username)) ENGINE=InnoDB`,
  'CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, PRIMARY KEY (version_num)) ENGINE=InnoDB',
];

export const COMMIT_A = 'a'.repeat(40);
export const COMMIT_B = 'b'.repeat(40);
export const COMMIT_C = 'c'.repeat(40);
export const DISTRO = 'd'.repeat(40);

type Row = Record<string, string | number | null>;

/** The rows of the fixture; `sha512` is a sha512_crypt hash of `dlrn-password` made by openssl. */
export function dlrnRows(sha512: string, options: { sqliteOddities: boolean }): Record<string, Row[]> {
  return {
    users: [
      { username: 'ci-bot', password: sha512 },
      { username: 'bad name', password: sha512 },
    ],
    projects: [
      { id: 1, project_name: 'python-foo', last_email: 1_600_000_000 },
      { id: 2, project_name: 'python-bar', last_email: 0 },
      // DLRN does not keep project names unique.
      { id: 3, project_name: 'python-foo', last_email: 1_600_000_100 },
    ],
    commits: [
      {
        id: 7,
        type: 'rpm',
        dt_commit: 1_500_000_000,
        dt_distro: 1_500_000_001,
        dt_extended: null,
        dt_build: 1_500_000_100,
        project_name: 'python-foo',
        repo_dir: '/home/dlrn/data/python-foo',
        distgit_dir: '/home/dlrn/data/python-foo_distro',
        commit_hash: COMMIT_A,
        distro_hash: DISTRO,
        extended_hash: 'None',
        commit_branch: 'master',
        status: 'SUCCESS',
        component: 'None',
        artifacts: `repos/aa/aa/${COMMIT_A}_dddddddd/python-foo-1.0.0-0.20170714.aaaaaaa.el9.src.rpm,repos/aa/aa/${COMMIT_A}_dddddddd/python-foo-1.0.0-0.20170714.aaaaaaa.el9.noarch.rpm`,
        notes: 'OK',
        flags: 0,
        versions_csv: null,
      },
      {
        id: 9,
        type: null,
        // SQLite holds what DLRN's remote import stored: a float.
        dt_commit: options.sqliteOddities ? 1_500_000_500.0 : 1_500_000_500,
        dt_distro: 1_500_000_501,
        dt_extended: null,
        dt_build: 1_500_000_600,
        project_name: 'python-bar',
        repo_dir: null,
        distgit_dir: null,
        commit_hash: COMMIT_B,
        distro_hash: DISTRO,
        extended_hash: null,
        commit_branch: null,
        status: 'FAILED',
        component: 'tripleo',
        artifacts: 'None',
        notes: 'error: Bad exit status from /var/tmp/rpm-tmp (%build)',
        flags: 2,
        versions_csv: null,
      },
      {
        id: 11,
        type: 'rpm',
        dt_commit: 1_500_001_000,
        dt_distro: 1_500_001_001,
        dt_extended: null,
        dt_build: 1_500_001_100,
        project_name: 'python-baz',
        repo_dir: null,
        distgit_dir: null,
        commit_hash: COMMIT_C,
        distro_hash: DISTRO,
        extended_hash: null,
        commit_branch: 'master',
        status: 'BUILDING',
        component: null,
        artifacts: null,
        notes: null,
        flags: 0,
        versions_csv: null,
      },
    ],
    civotes: [
      {
        id: 3,
        commit_id: 7,
        ci_name: 'tempest',
        ci_url: 'https://ci/1',
        ci_vote: 1,
        ci_in_progress: 0,
        timestamp: 1_500_000_200,
        notes: 'passed',
        user: 'ci-bot',
        component: null,
      },
      {
        id: 4,
        commit_id: 7,
        ci_name: 'tempest',
        ci_url: 'https://ci/2',
        ci_vote: 0,
        ci_in_progress: 1,
        timestamp: 1_500_000_300,
        notes: '',
        user: null,
        component: null,
      },
      {
        id: 5,
        commit_id: 9,
        ci_name: 'consistent',
        ci_url: '',
        ci_vote: 1,
        ci_in_progress: 0,
        timestamp: 1_500_000_700,
        notes: '',
        user: null,
        component: 'tripleo',
      },
    ],
    civotes_agg: [
      {
        id: 2,
        ref_hash: 'f'.repeat(32),
        ci_name: 'agg-job',
        ci_url: 'https://ci/agg',
        ci_vote: 1,
        ci_in_progress: 0,
        timestamp: 1_500_000_900,
        notes: null,
        user: 'ci-bot',
      },
    ],
    promotions: [
      {
        id: 5,
        commit_id: 7,
        promotion_name: 'current-passed-ci',
        timestamp: 1_500_000_800,
        user: 'ci-bot',
        component: null,
        aggregate_hash: null,
      },
      {
        id: 6,
        commit_id: 7,
        promotion_name: 'tripleo-ci-testing',
        timestamp: 1_500_000_850,
        user: null,
        component: 'None',
        aggregate_hash: 'f'.repeat(32),
      },
    ],
    alembic_version: [{ version_num: '00a31f1f39c0' }],
  };
}

function insertSql(
  table: string,
  row: Row,
  quote: (name: string) => string,
): [string, (string | number | null)[]] {
  const columns = Object.keys(row);
  return [
    `INSERT INTO ${table} (${columns.map(quote).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
    columns.map((column) => row[column] ?? null),
  ];
}

/** A DLRN SQLite database file at `path` (foreign keys off, as SQLite leaves them: an orphan vote can exist). */
export function createDlrnSqlite(path: string, sha512: string): void {
  const db = new BetterSqlite3(path);
  // better-sqlite3 turns foreign keys on; SQLAlchemy (DLRN) leaves SQLite's default, off.
  db.pragma('foreign_keys = OFF');
  try {
    for (const ddl of SQLITE_DDL) db.exec(ddl);
    const rows = dlrnRows(sha512, { sqliteOddities: true });
    // DLRN's SQLite may hold a vote whose commit was removed (foreign keys are not enforced there).
    rows.civotes!.push({
      id: 6,
      commit_id: 999,
      ci_name: 'orphan',
      ci_url: '',
      ci_vote: 1,
      ci_in_progress: 0,
      timestamp: 1,
      notes: '',
      user: null,
      component: null,
    });
    for (const [table, list] of Object.entries(rows)) {
      for (const row of list) {
        const [sql, values] = insertSql(table, row, (name) => `"${name}"`);
        db.prepare(sql).run(...values);
      }
    }
    // What DLRN's remote import leaves in SQLite: a REAL in an INTEGER column.
    db.prepare('UPDATE commits SET dt_commit = 1500000500.5 WHERE id = 9').run();
  } finally {
    db.close();
  }
}

/** The same DLRN database in a MariaDB database. */
export async function createDlrnMariadb(target: MariadbTestDatabase, sha512: string): Promise<void> {
  const connection = await createConnection({
    host: target.host,
    port: target.port,
    user: target.user,
    password: target.password,
    database: target.database,
  });
  try {
    for (const ddl of MARIADB_DDL) await connection.query(ddl);
    const rows = dlrnRows(sha512, { sqliteOddities: false });
    for (const table of [
      'users',
      'projects',
      'commits',
      'civotes',
      'civotes_agg',
      'promotions',
      'alembic_version',
    ]) {
      for (const row of rows[table]!) {
        const [sql, values] = insertSql(table, row, (name) => `\`${name}\``);
        await connection.execute(sql, values);
      }
    }
  } finally {
    await connection.end();
  }
}
