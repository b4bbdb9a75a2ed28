import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { postgresTestDatabase, TEST_DIALECTS } from '../../test/helpers/databases.js';
import { tempDir } from '../../test/helpers/temp-dir.js';
import { connectDatabase, openStore } from './open-store.js';
import { runTemplate } from './query-template.js';
import type { StoreContext } from './store-context.js';

const dir = await tempDir('ferry-query-template-');

describe.each(TEST_DIALECTS)('runTemplate on %s', (dialect) => {
  it('compiles a shape once and runs it with each call’s values, keeping the constants it was built with', async () => {
    const url = dialect === 'sqlite' ? `sqlite:${join(dir, 'template.db')}` : await postgresTestDatabase();
    const store = await openStore(url);
    await store.addUser({ name: 'alice', passwordHash: '$scrypt$a', role: 'write' });
    await store.addUser({ name: 'bob', passwordHash: '$scrypt$b', role: 'read' });
    await store.addUser({ name: 'carol', passwordHash: '$scrypt$c', role: 'write' });
    await store.close();
    const { db } = await connectDatabase(url);
    const ctx: StoreContext = { db, dialect, clock: () => 0, inTransaction: false };
    let builds = 0;
    const byNameAndRole = (role: string) => (name: string) =>
      runTemplate(
        ctx,
        `test:user-with-role:${role}`,
        (kdb, p) => {
          builds++;
          return kdb
            .selectFrom('users')
            .select('username')
            .where('username', '=', p.name)
            .where('role', '=', role);
        },
        { name },
      );
    try {
      const writers = byNameAndRole('write');
      const readers = byNameAndRole('read');

      expect(await writers('alice')).toEqual([{ username: 'alice' }]);
      expect(await writers('bob')).toEqual([]);
      expect(await writers('carol')).toEqual([{ username: 'carol' }]);
      expect(await readers('bob')).toEqual([{ username: 'bob' }]);
      expect(await readers('alice')).toEqual([]);
      // One build per shape (and dialect: the other dialect's run built its own).
      expect(builds).toBe(2);
    } finally {
      await db.destroy();
    }
  });
});
