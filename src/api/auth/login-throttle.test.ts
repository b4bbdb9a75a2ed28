import { describe, expect, it } from 'vitest';

import {
  FailureTiming,
  isThrottled,
  LoginThrottle,
  type CheckPermit,
  type Throttled,
} from './login-throttle.js';

function permit(result: CheckPermit | Throttled): CheckPermit {
  if (isThrottled(result)) throw new Error(`throttled: ${result.reason}`);
  return result;
}

describe('LoginThrottle', () => {
  it('refuses a client whose failures emptied its bucket, until time refills it; successes give theirs back', async () => {
    let now = 0;
    const throttle = new LoginThrottle({ failureBurst: 2, refillSeconds: 10, now: () => now });

    permit(await throttle.admit('a')).done(false);
    permit(await throttle.admit('a')).done(false);
    const refused = await throttle.admit('a');
    const other = await throttle.admit('b');
    if (!isThrottled(other)) other.done(true);
    now += 10_000;
    const later = permit(await throttle.admit('a'));
    later.done(true);
    const afterSuccess = await throttle.admit('a');

    expect(refused).toEqual({
      retryAfter: 10,
      reason: 'Too many failed logins from this address: retry in 10 s',
    });
    expect(isThrottled(other)).toBe(false);
    expect(isThrottled(afterSuccess)).toBe(false);
  });

  it('runs a bounded number of checks at once and refuses beyond a bounded queue', async () => {
    const throttle = new LoginThrottle({ concurrency: 1, maxWaiting: 1 });

    const first = permit(await throttle.admit('a'));
    let secondStarted = false;
    const second = throttle.admit('b').then((result) => {
      secondStarted = true;
      return permit(result);
    });
    const third = await throttle.admit('c');
    await new Promise((resolve) => setImmediate(resolve));
    const waitedWhileBusy = !secondStarted;
    first.done(false);
    (await second).done(true);

    expect(waitedWhileBusy).toBe(true);
    expect(third).toEqual({ retryAfter: 1, reason: 'Too many logins being checked: retry in 1 s' });
    expect(isThrottled(await throttle.admit('d'))).toBe(false);
  });

  it('remembers a bounded number of clients', async () => {
    const throttle = new LoginThrottle({ maxClients: 100 });

    for (let i = 0; i < 1000; i++) permit(await throttle.admit(`10.0.${i >> 8}.${i & 255}`)).done(false);

    expect(throttle.clients).toBeLessThanOrEqual(100);
  });
});

describe('FailureTiming', () => {
  it('is the slowest check seen of any scheme, with a margin, and at least the minimum', () => {
    const timing = new FailureTiming(100);

    const initial = timing.floor();
    timing.observe('unknown', 40);
    timing.observe('sha512_crypt', 1600);
    for (let i = 0; i < 20; i++) timing.observe('scrypt', 50);

    expect(initial).toBe(100);
    // Later scrypt checks do not hide the slow scheme: a wrong password for a DLRN user takes as long as for nobody.
    expect(timing.floor()).toBe(2000);
  });
});
