import { describe, expect, it } from 'vitest';

import { parseBasicCredentials } from './basic-credentials.js';
import { CredentialCache, hashFingerprint } from './credential-cache.js';

const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

describe('parseBasicCredentials', () => {
  it('reads user and password as the dlrnapi client sends them (the password may hold colons)', () => {
    expect(parseBasicCredentials(`Basic ${b64('ci:pa:ss w\u00f6rd')}`)).toEqual({
      user: 'ci',
      password: 'pa:ss w\u00f6rd',
    });
    expect(parseBasicCredentials(`basic   ${b64('ci:x')}`)).toEqual({ user: 'ci', password: 'x' });
  });

  it('tells no header from an unusable one', () => {
    expect(parseBasicCredentials(undefined)).toBeUndefined();
    expect(parseBasicCredentials('')).toBeUndefined();
    for (const header of [
      'Bearer abc',
      'Basic',
      'Basic !!',
      `Basic ${b64('nocolon')}`,
      `Basic ${b64(':nouser')}`,
      `Basic ${b64(`u:${'x'.repeat(10_000)}`)}`,
    ]) {
      expect(parseBasicCredentials(header), header).toBeNull();
    }
  });
});

describe('CredentialCache', () => {
  const fingerprint = hashFingerprint('$scrypt$ln=10,r=8,p=1$salt$key');

  it('keys are keyed hashes: neither the password nor a hash anyone else can compute', () => {
    const a = new CredentialCache();
    const b = new CredentialCache();

    const key = a.keyOf('ci', 'secret-password');

    expect(key).not.toContain('secret');
    expect(key).toBe(a.keyOf('ci', 'secret-password'));
    expect(key).not.toBe(b.keyOf('ci', 'secret-password'));
    // The user name length is part of the hash: "ab"+"c" and "a"+"bc" differ.
    expect(a.keyOf('ab', 'c')).not.toBe(a.keyOf('a', 'bc'));
  });

  it('matches only the user and the stored hash it was verified against', () => {
    const cache = new CredentialCache();
    const key = cache.keyOf('ci', 'pw');
    cache.remember(key, 'ci', fingerprint);

    expect(cache.matches(key, 'ci', fingerprint)).toBe(true);
    expect(cache.matches(key, 'other', fingerprint)).toBe(false);
    // A stale entry (the password changed since) is dropped.
    expect(cache.matches(cache.keyOf('ci', 'pw'), 'ci', hashFingerprint('$scrypt$new'))).toBe(false);
    expect(cache.size).toBe(0);
  });

  it('forgets a user, and keeps at most maxEntries (least recently used first)', () => {
    const cache = new CredentialCache(2);
    const k1 = cache.keyOf('u1', 'p');
    const k2 = cache.keyOf('u2', 'p');
    const k3 = cache.keyOf('u3', 'p');
    cache.remember(k1, 'u1', fingerprint);
    cache.remember(k2, 'u2', fingerprint);
    expect(cache.matches(k1, 'u1', fingerprint)).toBe(true);

    cache.remember(k3, 'u3', fingerprint);
    cache.forgetUser('u3');

    expect(cache.matches(k2, 'u2', fingerprint)).toBe(false);
    expect(cache.matches(k1, 'u1', fingerprint)).toBe(true);
    expect(cache.matches(k3, 'u3', fingerprint)).toBe(false);
  });
});
