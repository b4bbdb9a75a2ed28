import { describe, expect, it } from 'vitest';

import { hashPassword } from '../../src/auth/index.js';
import { errorResponse } from '../../src/api/schemas/responses.js';
import { TEST_DIALECTS } from '../helpers/databases.js';
import { AUTH, basic, PASSWORDS, post, sha512Crypt, TEST_SCRYPT, useApiFixture } from './api-fixture.js';

interface LoginLog {
  event?: string;
  user?: string;
  success?: boolean;
  hashUpgraded?: boolean;
  path?: string;
}

describe.each(TEST_DIALECTS)('authentication on %s', (dialect) => {
  const f = useApiFixture(dialect);

  const logins = (): LoginLog[] =>
    f.logs.map((line) => JSON.parse(line) as LoginLog).filter((entry) => entry.event === 'login');
  const health = (authorization?: string) =>
    f.inject({
      method: 'POST',
      url: '/api/health',
      headers: authorization === undefined ? {} : { authorization },
    });

  it('hashes a password once per client: later requests hit the credential cache', async () => {
    const statuses = [];
    for (let i = 0; i < 10; i++) statuses.push((await health(AUTH.writer)).statusCode);

    expect(statuses).toEqual(Array(10).fill(200));
    expect(logins()).toEqual([
      expect.objectContaining({ user: 'writer', success: true, path: '/api/health' }),
    ]);
  });

  it('verifies a burst of first requests once', async () => {
    const results = await Promise.all(Array.from({ length: 12 }, () => health(AUTH.admin)));

    expect(results.map((r) => r.statusCode)).toEqual(Array(12).fill(200));
    expect(logins()).toHaveLength(1);
  });

  it('drops cached credentials when the password changes', async () => {
    expect((await health(AUTH.writer)).statusCode).toBe(200);

    await f.store.setUserPassword('writer', await hashPassword('a-new-password', TEST_SCRYPT));

    expect((await health(AUTH.writer)).statusCode).toBe(401);
    expect((await health(basic('writer', 'a-new-password'))).statusCode).toBe(200);
  });

  it('follows role changes and removals at once', async () => {
    expect((await health(AUTH.writer)).statusCode).toBe(200);

    await f.store.setUserRole('writer', 'read');
    const demoted = await health(AUTH.writer);
    await f.store.removeUser('writer');
    const removed = await health(AUTH.writer);

    expect(demoted.statusCode).toBe(403);
    expect(errorResponse.parse(demoted.json()).message).toBe(
      'User writer (role read) may not do this: it needs the write role',
    );
    expect(removed.statusCode).toBe(401);
  });

  it("accepts DLRN's sha512_crypt hash and upgrades it to scrypt on the first login", async () => {
    const before = (await f.store.getUser('dlrn-user'))!.passwordHash;

    const first = await health(AUTH.dlrn);
    const after = (await f.store.getUser('dlrn-user'))!.passwordHash;
    const again = await health(AUTH.dlrn);
    const wrong = await health(basic('dlrn-user', 'not-it'));

    expect(before).toBe(await sha512Crypt(PASSWORDS.dlrn));
    expect(first.statusCode).toBe(200);
    expect(after).toMatch(/^\$scrypt\$ln=10,r=8,p=1\$/);
    expect(again.statusCode).toBe(200);
    expect(wrong.statusCode).toBe(401);
    expect(logins()[0]).toMatchObject({ user: 'dlrn-user', success: true, hashUpgraded: true });
  });

  it('logs every attempt that reaches the hash, and never a password, hash or header', async () => {
    await health(AUTH.writer);
    await health(basic('writer', 'wrong-password'));
    await health(basic('ghost', 'whatever-password'));
    await health(AUTH.dlrn);
    const hashes = (await f.store.listUsers()).map((user) => user.passwordHash);

    expect(logins().map((entry) => [entry.user, entry.success])).toEqual([
      ['writer', true],
      ['writer', false],
      ['ghost', false],
      ['dlrn-user', true],
    ]);
    const text = f.logs.join('\n');
    for (const secret of [
      ...Object.values(PASSWORDS),
      'wrong-password',
      'whatever-password',
      ...hashes,
      await sha512Crypt(PASSWORDS.dlrn),
    ]) {
      expect(text).not.toContain(secret);
    }
    for (const header of Object.values(AUTH)) expect(text).not.toContain(header.slice('Basic '.length));
  });

  it('refuses malformed or wrong credentials with 401 and a Basic challenge', async () => {
    const headers = [
      'Bearer abc',
      'Basic !!!',
      `Basic ${Buffer.from('no-colon').toString('base64')}`,
      basic('writer', ''),
      basic('bad name', 'x'),
      basic('writer', 'x'.repeat(5000)),
    ];
    for (const header of headers) {
      const res = await health(header);
      expect(res.statusCode, header).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Basic realm="ferry", charset="UTF-8"');
      expect(errorResponse.parse(res.json()).message).not.toBe('');
    }
  });

  it('refuses wrong credentials on reads too (DLRN ignored them)', async () => {
    const anonymous = await f.inject({ method: 'GET', url: '/api/health' });
    const wrong = await f.inject({
      method: 'GET',
      url: '/api/health',
      headers: { authorization: basic('reader', 'nope-nope') },
    });
    const reader = await f.inject({
      method: 'GET',
      url: '/api/health',
      headers: { authorization: AUTH.reader },
    });

    expect([anonymous.statusCode, wrong.statusCode, reader.statusCode]).toEqual([200, 401, 200]);
  });

  it('enforces roles on every write endpoint', async () => {
    const writes: [string, unknown][] = [
      ['/api/last_tested_repo', { max_age: 0, reporting_job_id: 'x' }],
      ['/api/report_result', { job_id: 'x' }],
      ['/api/promote', { promote_name: 'x' }],
      ['/api/promote-batch', []],
      ['/api/remote/import', { repo_url: 'http://127.0.0.1:9/' }],
      ['/api/recheck_package', { package_name: 'python-baz' }],
      ['/api/health', {}],
    ];
    for (const [url, body] of writes) {
      const anonymous = await f.inject({
        method: 'POST',
        url,
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify(body),
      });
      const reader = await f.inject(post(url, body, AUTH.reader));
      expect([url, anonymous.statusCode, reader.statusCode]).toEqual([url, 401, 403]);
    }
    expect(await f.store.getCommit(f.commits.baz.id)).toBeDefined();
  });
});

describe.each(TEST_DIALECTS)('failed logins on %s', (dialect) => {
  const f = useApiFixture(dialect, { loginThrottle: { failureBurst: 3, refillSeconds: 60 } });
  // One app per file: the throttle remembers addresses across tests, so each test has its own.
  const from = (remoteAddress: string, authorization: string) =>
    f.inject({ method: 'POST', url: '/api/health', headers: { authorization }, remoteAddress });
  const logins = () =>
    f.logs
      .map((line) => JSON.parse(line) as LoginLog & { throttled?: boolean })
      .filter((e) => e.event === 'login');

  it("does not slow a user's correct requests when someone else tries wrong passwords for the name", async () => {
    const first = await from('10.1.0.1', AUTH.writer);
    const guesses = [];
    for (const guess of ['a1', 'b2'])
      guesses.push((await from('10.1.0.2', basic('writer', guess))).statusCode);
    const again = await from('10.1.0.1', AUTH.writer);

    expect([first.statusCode, ...guesses, again.statusCode]).toEqual([200, 401, 401, 200]);
    // One hash for the user (the first request); the second came from the cache (nothing logged at info).
    expect(logins().map((entry) => [entry.user, entry.success])).toEqual([
      ['writer', true],
      ['writer', false],
      ['writer', false],
    ]);
  });

  it('answers 429 with Retry-After to a client that failed too often, without hashing; others are not locked out', async () => {
    expect((await from('10.2.0.1', AUTH.writer)).statusCode).toBe(200);
    const failures = [];
    for (const guess of ['a', 'b', 'c'])
      failures.push((await from('10.2.0.1', basic('writer', guess))).statusCode);

    const refused = await from('10.2.0.1', basic('writer', 'd'));
    const cached = await from('10.2.0.1', AUTH.writer);
    const uncached = await from('10.2.0.1', AUTH.admin);
    const elsewhere = await from('10.2.0.2', basic('writer', 'e'));
    const userElsewhere = await from('10.2.0.3', AUTH.admin);

    expect(failures).toEqual([401, 401, 401]);
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['retry-after']).toBe('60');
    expect(errorResponse.parse(refused.json()).message).toBe(
      'Too many failed logins from this address: retry in 60 s',
    );
    // The user's verified credentials are not limited, even from that address.
    expect(cached.statusCode).toBe(200);
    // New credentials from that address wait for the bucket to refill.
    expect(uncached.statusCode).toBe(429);
    expect(elsewhere.statusCode).toBe(401);
    expect(userElsewhere.statusCode).toBe(200);
    expect(logins().filter((entry) => entry.throttled).length).toBe(2);
  });
});

describe('server.protect_reads', () => {
  const f = useApiFixture('sqlite', { protectReads: true });

  it('requires a user with the read role on every read, GraphQL, /metrics and repos/ included', async () => {
    const reads = [
      '/api/health',
      '/api/last_tested_repo?max_age=0',
      '/api/promotions',
      '/api/civotes.html',
      '/api/graphql?query={commits{id}}',
      '/metrics',
      '/repos/',
    ];
    for (const url of reads) {
      const anonymous = await f.inject({ method: 'GET', url });
      const reader = await f.inject({ method: 'GET', url, headers: { authorization: AUTH.reader } });
      expect([url, anonymous.statusCode], url).toEqual([url, 401]);
      expect(errorResponse.parse(anonymous.json()).message).toBe('Authentication required');
      expect([url, reader.statusCode]).toEqual([url, 200]);
    }
  });

  it('leaves the OpenAPI document public', async () => {
    expect((await f.inject({ method: 'GET', url: '/api/openapi.json' })).statusCode).toBe(200);
  });
});
