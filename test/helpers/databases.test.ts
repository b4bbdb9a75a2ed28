import { createConnection } from 'mysql2/promise';
import pg from 'pg';
import { describe, expect, it } from 'vitest';

import { mariadbTestDatabase, postgresTestDatabase } from './databases.js';

// FERRY_TEST_THROWAWAY_DB=1 runs the same checks on throwaway servers started in a temporary directory.
describe('test databases', () => {
  it('gives a fresh, writable PostgreSQL database', async () => {
    const url = await postgresTestDatabase();
    const client = new pg.Client({ connectionString: url });
    await client.connect();

    await client.query('create table t (id integer primary key)');
    await client.query('insert into t values (1), (2)');
    const result = await client.query<{ n: string; db: string }>(
      'select count(*) as n, current_database() as db from t',
    );
    await client.end();

    expect(result.rows).toEqual([{ n: '2', db: new URL(url).pathname.slice(1) }]);
  });

  it('gives a fresh, writable MariaDB database', async () => {
    const db = await mariadbTestDatabase();
    const connection = await createConnection({
      host: db.host,
      port: db.port,
      user: db.user,
      password: db.password,
      database: db.database,
    });

    await connection.query('create table t (id int primary key)');
    await connection.query('insert into t values (1)');
    const [rows] = await connection.query('select count(*) as n, database() as db from t');
    await connection.end();

    expect(rows).toEqual([{ n: 1, db: db.database }]);
    expect(db.url).toBe(`mysql://${db.user}@${db.host}:${db.port}/${db.database}`);
  });
});
