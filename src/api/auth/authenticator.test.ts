import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { openTestStore } from '../../../test/helpers/databases.js';
import { hashPassword, type ScryptParams } from '../../auth/index.js';
import type { Store } from '../../store/index.js';
import { Authenticator, type AttemptContext, type AuthLogger } from './authenticator.js';

const FAST: ScryptParams = { logN: 10, r: 8, p: 1 };
const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;

describe('Authenticator', () => {
  let store: Store;
  let lines: { level: string; object: Record<string, unknown> }[];
  let described: number;
  const attempt = (): AttemptContext => {
    described++;
    return { method: 'POST', path: '/api/report_result', ip: '127.0.0.1' };
  };
  const logger = (debug: boolean): AuthLogger => ({
    info: (object) => lines.push({ level: 'info', object }),
    warn: (object) => lines.push({ level: 'warn', object }),
    debug: (object) => lines.push({ level: 'debug', object }),
    isLevelEnabled: (level) => level !== 'debug' || debug,
  });
  beforeEach(async () => {
    store = await openTestStore('sqlite');
    await store.addUser({ name: 'ci', passwordHash: await hashPassword('secret', FAST), role: 'write' });
    lines = [];
    described = 0;
  });
  afterEach(async () => {
    await store.close();
  });

  it('describes the request only for the lines it logs: not for the cached logins of every request', async () => {
    const auth = new Authenticator({ store, logger: logger(false), scryptParams: FAST });

    const first = await auth.identify(basic('ci', 'secret'), attempt);
    const again = await auth.identify(basic('ci', 'secret'), attempt);
    const wrong = await auth.identify(basic('ci', 'nope'), attempt);

    expect(first).toEqual({ kind: 'user', name: 'ci', role: 'write' });
    expect(again).toEqual(first);
    expect(wrong.kind).toBe('rejected');
    // The first login and the failure were logged with the request; the cached one was not described.
    expect(lines.map((line) => [line.level, line.object.success, line.object.path])).toEqual([
      ['info', true, '/api/report_result'],
      ['info', false, '/api/report_result'],
    ]);
    expect(described).toBe(2);
  });

  it('logs cached logins at debug level when debug is on', async () => {
    const auth = new Authenticator({ store, logger: logger(true), scryptParams: FAST });

    await auth.identify(basic('ci', 'secret'), attempt);
    await auth.identify(basic('ci', 'secret'), attempt);

    expect(lines.map((line) => [line.level, line.object.cached ?? false])).toEqual([
      ['info', false],
      ['debug', true],
    ]);
    expect(JSON.stringify(lines)).not.toContain('secret');
  });
});
