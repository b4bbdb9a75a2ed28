import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { describe, expect, it } from 'vitest';

import { tempDir } from '../../test/helpers/temp-dir.js';
import { openStore } from './open-store.js';
import { openSqlite } from './sqlite-connection.js';

const dir = await tempDir('ferry-sqlite-connection-');

describe('SQLite direct access', () => {
  it('never runs inside a transaction another caller holds open: hot reads wait for it instead of reading its rows', async () => {
    const store = await openStore(`sqlite:${join(dir, 'dirty.db')}`);
    try {
      let seenDuring: unknown = 'not read';
      const failing = store.transaction(async (tx) => {
        await tx.addUser({ name: 'ghost', passwordHash: '$scrypt$x', role: 'read' });
        // getUser takes the direct path when the connection is idle; here it is not.
        void store.getUser('ghost').then((user) => (seenDuring = user));
        await sleep(20);
        expect(seenDuring).toBe('not read');
        throw new Error('roll back');
      });

      await expect(failing).rejects.toThrow('roll back');
      await sleep(0);
      expect(seenDuring).toBeUndefined();
      expect(await store.getUser('ghost')).toBeUndefined();
    } finally {
      await store.close();
    }
  });

  it('runs a synchronous transaction all or nothing, and refuses to start one inside another', async () => {
    const { db, direct } = openSqlite(join(dir, 'direct.db'), {
      memory: false,
      create: true,
      shown: 'direct.db',
      backgroundCheckpoints: false,
    });
    try {
      direct.run('create table t (x integer not null)', []);
      expect(() =>
        direct.transaction((run) => {
          run('insert into t (x) values (?)', [1]);
          run('insert into t (x) values (?)', [null]);
        }),
      ).toThrow(/NOT NULL/);
      const done = direct.transaction((run) => {
        run('insert into t (x) values (?)', [2]);
        expect(direct.run('select x from t', [])).toBeUndefined();
        expect(direct.transaction(() => 'nested')).toBeUndefined();
        return run('select x from t', []);
      });

      expect(done).toEqual({ value: [{ x: 2 }] });
      expect(direct.run('select x from t order by x', [])).toEqual([{ x: 2 }]);
    } finally {
      await db.destroy();
    }
  });
});
