import { lstat, readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';

import type { InjectOptions } from 'fastify';
import { describe, expect, it } from 'vitest';

import { seededRandom } from '../helpers/random-versions.js';
import { TEST_DIALECTS } from '../helpers/databases.js';
import { AUTH, basic, useApiFixture, type ApiFixture } from './api-fixture.js';

type Kind = 'bool' | 'int' | 'count' | 'str' | 'hash' | 'date' | 'url' | 'name';

/** Values that are wrong for a field of each kind, whatever the rest of the request. */
const WRONG: Record<Kind, readonly unknown[]> = {
  bool: ['maybe', 2, -1, 1.5, [], {}, 'truex', '', [true]],
  int: ['abc', 1.5, true, [], {}, '1e3', '0x10', '12345678901234567', '', '1 2', [1]],
  count: [-1, '-5', 'abc', 1.5, true, [], {}, ''],
  str: [123, true, [], {}, 'a\u0000b', ['x']],
  hash: [123, false, [], {}, 'x'.repeat(65), 'a\u0000b'],
  name: [123, false, [], {}, 'x'.repeat(257), 'nul\u0000'],
  date: ['2024-13-01', '2024-02-30', '24-01-01', 'yesterday', 20240101, '', '2024/01/01', []],
  url: ['file:///etc/passwd', 'ftp://example.org/x', 'not a url', 42, [], 'http://', 'x'.repeat(1025)],
};

interface Endpoint {
  readonly method: 'GET' | 'POST';
  readonly url: string;
  /** A valid request; each case breaks exactly one field of it. */
  readonly valid: (f: ApiFixture) => Record<string, unknown>;
  readonly fields: Readonly<Record<string, Kind>>;
  readonly required: readonly string[];
}

const snapshot = (f: ApiFixture) => ({
  commit_hash: f.commits.foo.commitHash,
  distro_hash: f.commits.foo.distroHash,
});

const ENDPOINTS: readonly Endpoint[] = [
  {
    method: 'GET',
    url: '/api/last_tested_repo',
    valid: () => ({
      max_age: 0,
      success: true,
      job_id: 'job-a',
      sequential_mode: false,
      component: 'tripleo',
    }),
    fields: {
      max_age: 'count',
      success: 'bool',
      job_id: 'name',
      sequential_mode: 'bool',
      component: 'hash',
      previous_job_id: 'name',
    },
    required: ['max_age'],
  },
  {
    method: 'POST',
    url: '/api/last_tested_repo',
    valid: () => ({ max_age: 0, reporting_job_id: 'job-x', success: true }),
    fields: {
      max_age: 'count',
      reporting_job_id: 'name',
      success: 'bool',
      job_id: 'name',
      sequential_mode: 'bool',
    },
    required: ['max_age', 'reporting_job_id'],
  },
  {
    method: 'GET',
    url: '/api/repo_status',
    valid: (f) => ({ ...snapshot(f), success: true }),
    fields: { commit_hash: 'hash', distro_hash: 'hash', extended_hash: 'str', success: 'bool' },
    required: ['commit_hash', 'distro_hash'],
  },
  {
    method: 'GET',
    url: '/api/agg_status',
    valid: () => ({ aggregate_hash: 'abc', success: false }),
    fields: { aggregate_hash: 'hash', success: 'bool' },
    required: ['aggregate_hash'],
  },
  {
    method: 'GET',
    url: '/api/promotions',
    valid: () => ({ promote_name: 'x', offset: 0, limit: 5 }),
    fields: {
      promote_name: 'name',
      offset: 'count',
      limit: 'count',
      aggregate_hash: 'hash',
      component: 'hash',
    },
    required: [],
  },
  {
    method: 'GET',
    url: '/api/metrics/builds',
    valid: () => ({ start_date: '2023-01-01', end_date: '2024-01-01', package_name: 'python-foo' }),
    fields: { start_date: 'date', end_date: 'date', package_name: 'name' },
    required: ['start_date', 'end_date'],
  },
  {
    method: 'POST',
    url: '/api/report_result',
    valid: (f) => ({
      ...snapshot(f),
      job_id: 'job-r',
      url: 'https://ci/1',
      timestamp: 1,
      success: true,
      notes: 'n',
    }),
    fields: {
      commit_hash: 'hash',
      distro_hash: 'hash',
      job_id: 'name',
      timestamp: 'int',
      success: 'bool',
      notes: 'str',
      extended_hash: 'hash',
    },
    required: ['job_id', 'url', 'timestamp', 'success'],
  },
  {
    method: 'POST',
    url: '/api/promote',
    valid: (f) => ({ ...snapshot(f), promote_name: 'fuzzed' }),
    fields: { commit_hash: 'hash', distro_hash: 'hash', extended_hash: 'hash', promote_name: 'name' },
    required: ['commit_hash', 'distro_hash', 'promote_name'],
  },
  {
    method: 'POST',
    url: '/api/remote/import',
    valid: () => ({ repo_url: 'http://127.0.0.1:9/repo' }),
    fields: { repo_url: 'url' },
    required: ['repo_url'],
  },
  {
    method: 'POST',
    url: '/api/recheck_package',
    valid: () => ({ package_name: 'python-baz' }),
    fields: { package_name: 'name' },
    required: ['package_name'],
  },
];

/** Path tricks and reserved names for promote_name (each must be 403). */
const BAD_NAMES = [
  '..',
  '../x',
  '../../etc/passwd',
  '/etc/passwd',
  'a/b',
  'a/../b',
  '.',
  '.hidden',
  '-rf',
  'current',
  'consistent',
  'component',
  'repodata',
  'x\ny',
  'x y',
  '%2e%2e',
  'ab',
  '\u00e9t\u00e9',
  ' ',
  'a\\b',
  '',
];

function request(endpoint: Endpoint, params: Record<string, unknown>, auth = AUTH.writer): InjectOptions {
  if (endpoint.method === 'GET') {
    return {
      method: 'GET',
      url: endpoint.url,
      headers: { 'content-type': 'application/json', authorization: auth },
      payload: JSON.stringify(params),
    };
  }
  return {
    method: 'POST',
    url: endpoint.url,
    headers: { 'content-type': 'application/json', authorization: auth },
    payload: JSON.stringify(params),
  };
}

/** Every malformed request: generated from the endpoints' fields, plus the hand-written classes. */
function malformedRequests(f: ApiFixture): { readonly what: string; readonly request: InjectOptions }[] {
  const random = seededRandom(7);
  const cases: { what: string; request: InjectOptions }[] = [];
  for (const endpoint of ENDPOINTS) {
    for (const [field, kind] of Object.entries(endpoint.fields)) {
      for (const value of WRONG[kind]) {
        cases.push({
          what: `${endpoint.method} ${endpoint.url} ${field}=${JSON.stringify(value)}`,
          request: request(endpoint, { ...endpoint.valid(f), [field]: value }),
        });
      }
    }
    for (const field of endpoint.required) {
      const params = { ...endpoint.valid(f) };
      delete params[field];
      cases.push({ what: `${endpoint.url} without ${field}`, request: request(endpoint, params) });
      cases.push({
        what: `${endpoint.url} ${field}=null`,
        request: request(endpoint, { ...endpoint.valid(f), [field]: null }),
      });
    }
    // Random combinations of several wrong fields.
    const fields = Object.entries(endpoint.fields);
    for (let i = 0; i < 15; i++) {
      const params: Record<string, unknown> = { ...endpoint.valid(f) };
      for (const [field, kind] of fields) {
        if (random() < 0.5) params[field] = WRONG[kind][Math.floor(random() * WRONG[kind].length)];
      }
      const [field, kind] = fields[Math.floor(random() * fields.length)]!;
      params[field] = WRONG[kind][Math.floor(random() * WRONG[kind].length)];
      cases.push({
        what: `${endpoint.url} random ${JSON.stringify(params)}`,
        request: request(endpoint, params),
      });
    }
    // Bodies that are not objects, and bad credentials.
    for (const body of ['[]', '"text"', '42', 'null', 'true']) {
      cases.push({
        what: `${endpoint.url} body ${body}`,
        request: { ...request(endpoint, {}), payload: body },
      });
    }
    if (endpoint.method === 'POST') {
      cases.push({
        what: `${endpoint.url} anonymous`,
        request: { ...request(endpoint, endpoint.valid(f)), headers: { 'content-type': 'application/json' } },
      });
      cases.push({
        what: `${endpoint.url} reader`,
        request: request(endpoint, endpoint.valid(f), AUTH.reader),
      });
      cases.push({
        what: `${endpoint.url} wrong password`,
        request: request(endpoint, endpoint.valid(f), basic('writer', 'wrong-password')),
      });
    }
  }
  const promote = ENDPOINTS.find((e) => e.url === '/api/promote')!;
  for (const name of BAD_NAMES) {
    cases.push({
      what: `promote_name ${JSON.stringify(name)}`,
      request: request(promote, { ...promote.valid(f), promote_name: name }),
    });
    cases.push({
      what: `batch promote_name ${JSON.stringify(name)}`,
      request: {
        ...request(promote, {}),
        url: '/api/promote-batch',
        payload: JSON.stringify([promote.valid(f), { ...promote.valid(f), promote_name: name }]),
      },
    });
  }
  const writes = [
    '/api/report_result',
    '/api/promote',
    '/api/promote-batch',
    '/api/last_tested_repo',
    '/api/remote/import',
  ];
  for (const url of writes) {
    // Bad JSON.
    for (const payload of [
      '{',
      '{"a":1,}',
      "{'a': 1}",
      '{"a": undefined}',
      '\u0000',
      '{"__proto__": {"polluted": 1}}',
      '{"constructor": {"prototype": {"polluted": 1}}}',
      '['.repeat(100_000),
    ]) {
      cases.push({
        what: `${url} bad JSON ${payload.slice(0, 20)}`,
        request: {
          method: 'POST',
          url,
          headers: { 'content-type': 'application/json', authorization: AUTH.writer },
          payload,
        },
      });
    }
    cases.push({
      what: `${url} invalid UTF-8`,
      request: {
        method: 'POST',
        url,
        headers: { 'content-type': 'application/json', authorization: AUTH.writer },
        payload: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]),
      },
    });
    // Wrong content types.
    for (const type of [
      'text/plain',
      'application/xml',
      'multipart/form-data; boundary=x',
      'application/x-www-form-urlencoded',
      'application/jsonx',
      'foo',
      'application/json-patch+json',
    ]) {
      cases.push({
        what: `${url} content-type ${type}`,
        request: {
          method: 'POST',
          url,
          headers: { 'content-type': type, authorization: AUTH.writer },
          payload: '{"a": 1}',
        },
      });
    }
    cases.push({
      what: `${url} no content-type`,
      request: { method: 'POST', url, headers: { authorization: AUTH.writer }, payload: 'x=1' },
    });
    // Huge bodies.
    cases.push({
      what: `${url} 2 MiB body`,
      request: {
        method: 'POST',
        url,
        headers: { 'content-type': 'application/json', authorization: AUTH.writer },
        payload: JSON.stringify({ notes: 'x'.repeat(2 * 1024 * 1024) }),
      },
    });
    cases.push({
      what: `${url} 2 MiB text body`,
      request: {
        method: 'POST',
        url,
        headers: { 'content-type': 'text/plain', authorization: AUTH.writer },
        payload: 'x'.repeat(2 * 1024 * 1024),
      },
    });
  }
  // Query strings.
  for (const query of [
    'max_age=0&max_age=1',
    'max_age=%00',
    'max_age=0&success=%00',
    'max_age[]=1',
    'max_age=0&job_id=a%00b',
    `max_age=0&job_id=${'x'.repeat(300)}`,
  ]) {
    cases.push({
      what: `GET last_tested_repo ?${query}`,
      request: { method: 'GET', url: `/api/last_tested_repo?${query}` },
    });
  }
  cases.push({
    what: 'GET with a JSON array body',
    request: {
      method: 'GET',
      url: '/api/last_tested_repo?max_age=0',
      headers: { 'content-type': 'application/json' },
      payload: '[1]',
    },
  });
  cases.push({
    what: 'GET with bad JSON',
    request: {
      method: 'GET',
      url: '/api/last_tested_repo?max_age=0',
      headers: { 'content-type': 'application/json' },
      payload: '{x',
    },
  });
  // Paths into and out of repos/.
  for (const path of [
    '/repos/../../etc/passwd',
    '/repos/%2e%2e/%2e%2e/etc/passwd',
    '/repos/..%2f..%2fetc%2fpasswd',
    '/repos/%00',
    '/repos/.hidden',
    '/repos/%ff',
    '/api/../../etc/passwd',
  ]) {
    cases.push({ what: `GET ${path}`, request: { method: 'GET', url: path } });
  }
  // GraphQL.
  cases.push({ what: 'graphql syntax error', request: { method: 'GET', url: '/api/graphql?query=%7B' } });
  cases.push({
    what: 'graphql deep query',
    request: {
      method: 'GET',
      url: `/api/graphql?query=${encodeURIComponent(`{ civote { ${'commit { id } '.repeat(1)} } ${'{'.repeat(0)}}`)}x`,
    },
  });
  cases.push({ what: 'graphql no query', request: { method: 'GET', url: '/api/graphql' } });
  cases.push({
    what: 'graphql mutation',
    request: {
      method: 'POST',
      url: '/api/graphql',
      headers: { 'content-type': 'application/json' },
      payload: '{"query": "mutation { x }"}',
    },
  });
  return cases;
}

async function tree(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isSymbolicLink()) out.push(`${path} -> ${await readlink(path)}`);
    else if (entry.isDirectory()) out.push(path, ...(await tree(path)));
    else out.push(`${path} ${(await lstat(path)).size}`);
  }
  return out.sort();
}

describe.each(TEST_DIALECTS)('malformed requests on %s', (dialect) => {
  const f = useApiFixture(dialect);

  it('get a 4xx with a message, never a 500, and write nothing', async () => {
    const cases = malformedRequests(f);
    const counts = await f.store.storeCounts();
    const users = await f.store.listUsers();
    const files = await tree(f.reposDir);

    const failures: string[] = [];
    const statuses = new Map<number, number>();
    for (const { what, request } of cases) {
      const res = await f.inject(request);
      statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
      let message: unknown;
      try {
        message = res.json<{ message?: unknown }>().message;
      } catch {
        message = undefined;
      }
      if (res.statusCode < 400 || res.statusCode >= 500 || typeof message !== 'string' || message === '') {
        failures.push(`${what}: ${res.statusCode} ${res.body.slice(0, 120)}`);
      }
    }

    expect(failures).toEqual([]);
    expect(cases.length).toBeGreaterThan(500);
    expect([...statuses.keys()].sort()).toEqual(expect.arrayContaining([400, 401, 403, 413, 415]));
    expect(await f.store.storeCounts()).toEqual(counts);
    expect(await f.store.listUsers()).toEqual(users);
    expect(await tree(f.reposDir)).toEqual(files);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
