import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { openTestStore } from '../../../test/helpers/databases.js';
import { hashPassword, type ScryptParams } from '../../auth/index.js';
import type { Store } from '../../store/index.js';
import { Authenticator, type AttemptContext, type AuthLogger } from './authenticator.js';
import { FailureTiming, LoginThrottle } from './login-throttle.js';

/** Records the failures it is asked to pad instead of waiting. */
class RecordingTiming extends FailureTiming {
  padded = 0;
  override pad(): Promise<void> {
    this.padded++;
    return Promise.resolve();
  }
}

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

  it('keeps the cached credentials of a user whose name others try with wrong passwords', async () => {
    const auth = new Authenticator({ store, logger: logger(true), scryptParams: FAST });

    await auth.identify(basic('ci', 'secret'), attempt);
    for (const guess of ['a', 'b', 'c']) await auth.identify(basic('ci', guess), attempt);
    const again = await auth.identify(basic('ci', 'secret'), attempt);

    expect(again).toEqual({ kind: 'user', name: 'ci', role: 'write' });
    // The last login came from the cache: the failures evicted nothing.
    expect(lines.at(-1)).toMatchObject({ level: 'debug', object: { success: true, cached: true } });
    expect(auth.cache.size).toBe(1);
  });

  it('gives every failed check, for a known or an unknown user, the common failure time; never a success', async () => {
    const timing = new RecordingTiming();
    const auth = new Authenticator({
      store,
      logger: logger(false),
      scryptParams: FAST,
      failureTiming: timing,
    });

    await auth.identify(basic('ci', 'wrong'), attempt);
    await auth.identify(basic('nobody', 'wrong'), attempt);
    const paddedFailures = timing.padded;
    await auth.identify(basic('ci', 'secret'), attempt);

    expect(paddedFailures).toBe(2);
    expect(timing.padded).toBe(2);
    // Both failures were observed with their scheme: unknown users are timed as such.
    expect(timing.floor()).toBeGreaterThan(0);
  });

  it('answers throttled, without checking, once a client failed too often', async () => {
    const auth = new Authenticator({
      store,
      logger: logger(false),
      scryptParams: FAST,
      throttle: new LoginThrottle({ failureBurst: 2, refillSeconds: 30 }),
      failureTiming: new RecordingTiming(),
    });

    const outcomes = [];
    for (const guess of ['a', 'b', 'c']) outcomes.push(await auth.identify(basic('ci', guess), attempt));

    expect(outcomes.map((outcome) => outcome.kind)).toEqual(['rejected', 'rejected', 'throttled']);
    expect(outcomes[2]).toEqual({
      kind: 'throttled',
      reason: 'Too many failed logins from this address: retry in 30 s',
      retryAfter: 30,
    });
    expect(lines.map((line) => line.object.throttled ?? false)).toEqual([false, false, true]);
  });
});
