import { describe, expect, it } from 'vitest';

import { exec } from '../util/exec.js';
import {
  hashPassword,
  passwordScheme,
  verifyPassword,
  verifyUnknownUser,
  type ScryptParams,
} from './password-hash.js';
import { MAX_SHA512_ROUNDS, sha512Rounds } from './sha512-crypt.js';

// Cheap parameters keep the suite fast; the format and the checks are the same as the defaults'.
const FAST: ScryptParams = { logN: 10, r: 8, p: 1 };

/**
 * sha512_crypt by the C library's crypt(3) (through perl), as DLRN's passlib
 * writes it (`$6$[rounds=N$]salt$hash`): not the OpenSSL ferry verifies with.
 */
async function libcSha512Crypt(password: string, rounds?: number): Promise<string> {
  const salt = `$6$${rounds === undefined ? '' : `rounds=${rounds}$`}QZ1p8yLwT0aUq5Ev`;
  const { stdout } = await exec('perl', ['-e', 'local $/; print crypt(<STDIN>, $ARGV[0])', salt], {
    input: password,
  });
  return stdout.trim();
}

describe('scrypt password hashes', () => {
  it('never writes a hash its own verifier would refuse (parameters outside the accepted bounds)', async () => {
    for (const params of [
      { logN: 4, r: 8, p: 1 },
      { logN: 21, r: 8, p: 1 },
      { logN: 10, r: 0, p: 1 },
      { logN: 10, r: 8, p: 17 },
      { logN: 10.5, r: 8, p: 1 },
    ]) {
      await expect(hashPassword('pw', params), JSON.stringify(params)).rejects.toThrow(/out of bounds/);
    }
  });

  it('encodes parameters and salt, and verifies the right password only', async () => {
    const hash = await hashPassword('correct horse battery staple', FAST);

    const right = await verifyPassword('correct horse battery staple', hash, FAST);
    const wrong = await verifyPassword('correct horse battery stapler', hash, FAST);
    const empty = await verifyPassword('', hash, FAST);

    expect(hash).toMatch(/^\$scrypt\$ln=10,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(passwordScheme(hash)).toBe('scrypt');
    expect(right).toEqual({ ok: true, needsUpgrade: false });
    expect(wrong).toEqual({ ok: false, needsUpgrade: false });
    expect(empty).toEqual({ ok: false, needsUpgrade: false });
  });

  it('salts every hash', async () => {
    const [a, b] = await Promise.all([
      hashPassword('same password', FAST),
      hashPassword('same password', FAST),
    ]);

    expect(a).not.toBe(b);
  });

  it('uses the default parameters, and flags weaker stored ones for upgrade', async () => {
    const strong = await hashPassword('another password');
    const weak = await hashPassword('another password', FAST);

    expect(strong).toMatch(/^\$scrypt\$ln=15,r=8,p=1\$/);
    expect(await verifyPassword('another password', strong)).toEqual({ ok: true, needsUpgrade: false });
    expect(await verifyPassword('another password', weak)).toEqual({ ok: true, needsUpgrade: true });
    expect(await verifyPassword('wrong password', weak)).toEqual({ ok: false, needsUpgrade: false });
  });

  it('normalises Unicode so the same typed password matches', async () => {
    const hash = await hashPassword('caf\u00e9 au lait', FAST);

    expect((await verifyPassword('cafe\u0301 au lait', hash, FAST)).ok).toBe(true);
  });

  it('never matches a malformed or tampered hash', async () => {
    const hash = await hashPassword('tamper proof', FAST);
    const tampered = hash.slice(0, -2) + (hash.endsWith('AA') ? 'BB' : 'AA');
    const huge = hash.replace('ln=10', 'ln=30');

    expect(await verifyPassword('tamper proof', tampered, FAST)).toEqual({ ok: false, needsUpgrade: false });
    expect(await verifyPassword('tamper proof', huge, FAST)).toEqual({ ok: false, needsUpgrade: false });
    expect(await verifyPassword('tamper proof', 'plaintext', FAST)).toEqual({
      ok: false,
      needsUpgrade: false,
    });
    expect(passwordScheme('plaintext')).toBe('unknown');
  });

  it('spends a full check on unknown users and says no', async () => {
    expect(await verifyUnknownUser('anything', FAST)).toBe(false);
  });
});

describe("DLRN's sha512_crypt hashes", () => {
  it('verifies a hash made by crypt(3) and asks for an upgrade', async () => {
    const hash = await libcSha512Crypt('dlrn-password');

    const right = await verifyPassword('dlrn-password', hash);
    const wrong = await verifyPassword('dlrn-passwore', hash);

    expect(passwordScheme(hash)).toBe('sha512_crypt');
    expect(right).toEqual({ ok: true, needsUpgrade: true });
    expect(wrong).toEqual({ ok: false, needsUpgrade: false });
  });

  it('honours explicit rounds (the sha-crypt specification test vector)', async () => {
    // From Drepper's "Unix crypt using SHA-256 and SHA-512", also what Python's crypt.crypt yields.
    const vector =
      '$6$rounds=10000$saltstringsaltst$OW1/O6BYHV6BcXZu8QVeXbDWra3Oeqh0sbHbbMCVNSnCM/UrjmM0Dp8vOuZeHBy/YTBmSK6H9qs/y3RnOaw5v.';

    expect(await verifyPassword('Hello world!', vector)).toEqual({ ok: true, needsUpgrade: true });
    expect(await verifyPassword('Hello world?', vector)).toEqual({ ok: false, needsUpgrade: false });
  });

  it("agrees with crypt(3) on passlib's rounds, non-ASCII passwords and the salt's full length", async () => {
    const password = 'pässwörd € 🔑 with spaces';
    const hash = await libcSha512Crypt(password, 656_000);

    expect(await verifyPassword(password, hash)).toEqual({ ok: true, needsUpgrade: true });
    expect(await verifyPassword(`${password} `, hash)).toEqual({ ok: false, needsUpgrade: false });
  });

  it('never matches a password holding a line break or NUL (openssl reads one line)', async () => {
    const hash = await libcSha512Crypt('first');

    expect(await verifyPassword('first\nsecond', hash)).toEqual({ ok: false, needsUpgrade: false });
    expect(await verifyPassword('first\0', hash)).toEqual({ ok: false, needsUpgrade: false });
  });

  it('checks several at once, each with its own answer', async () => {
    const vector =
      '$6$rounds=10000$saltstringsaltst$OW1/O6BYHV6BcXZu8QVeXbDWra3Oeqh0sbHbbMCVNSnCM/UrjmM0Dp8vOuZeHBy/YTBmSK6H9qs/y3RnOaw5v.';
    const guesses = ['Hello world!', 'nope', 'Hello world!', 'Hello world?', 'Hello world!'];

    const results = await Promise.all(guesses.map((guess) => verifyPassword(guess, vector)));

    expect(results.map((result) => result.ok)).toEqual([true, false, true, false, true]);
  });

  it('reads the rounds of a hash, and never computes more than MAX_SHA512_ROUNDS', async () => {
    const tail = 'OW1/O6BYHV6BcXZu8QVeXbDWra3Oeqh0sbHbbMCVNSnCM/UrjmM0Dp8vOuZeHBy/YTBmSK6H9qs/y3RnOaw5v.';
    const huge = `$6$rounds=999999999$saltstringsaltst$${tail}`;

    expect(sha512Rounds(`$6$saltstringsaltst$${tail}`)).toBe(5000);
    expect(sha512Rounds(huge)).toBe(999_999_999);
    expect(sha512Rounds('$scrypt$…')).toBeUndefined();
    expect(MAX_SHA512_ROUNDS).toBe(1_000_000);
    // Hours of CPU if computed: refused at once.
    expect(await verifyPassword('Hello world!', huge)).toEqual({ ok: false, needsUpgrade: false });
  });

  it('rejects a truncated sha512_crypt hash without throwing', async () => {
    const hash = await libcSha512Crypt('dlrn-password');

    expect(await verifyPassword('dlrn-password', hash.slice(0, -1))).toEqual({
      ok: false,
      needsUpgrade: false,
    });
  });
});
