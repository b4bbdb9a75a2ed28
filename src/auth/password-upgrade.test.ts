import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { openTestStore, TEST_DIALECTS } from '../../test/helpers/databases.js';
import type { Store } from '../store/index.js';
import { exec } from '../util/exec.js';
import { hashPassword, passwordScheme, verifyPassword, type ScryptParams } from './password-hash.js';

const FAST: ScryptParams = { logN: 10, r: 8, p: 1 };

describe.each(TEST_DIALECTS)('upgrading a DLRN user on %s', (dialect) => {
  let store: Store;
  beforeEach(async () => {
    store = await openTestStore(dialect);
  });
  afterEach(async () => {
    await store.close();
  });

  it('accepts the sha512_crypt password once, stores scrypt, then verifies without upgrade', async () => {
    const { stdout } = await exec('openssl', ['passwd', '-6', '-stdin'], { input: 'from dlrn\n' });
    const dlrnHash = stdout.trim();
    await store.addUser({ name: 'ci', passwordHash: dlrnHash, role: 'write' });

    const user = await store.getUser('ci');
    const first = await verifyPassword('from dlrn', user!.passwordHash, FAST);
    const upgradedHash = await hashPassword('from dlrn', FAST);
    const swapped = await store.setUserPassword('ci', upgradedHash, dlrnHash);
    const upgraded = await store.getUser('ci');
    const second = await verifyPassword('from dlrn', upgraded!.passwordHash, FAST);
    const wrong = await verifyPassword('from dlrn!', upgraded!.passwordHash, FAST);

    expect(first).toEqual({ ok: true, needsUpgrade: true });
    expect(swapped).toBe(true);
    expect(passwordScheme(upgraded!.passwordHash)).toBe('scrypt');
    expect(second).toEqual({ ok: true, needsUpgrade: false });
    expect(wrong.ok).toBe(false);
  });
});
