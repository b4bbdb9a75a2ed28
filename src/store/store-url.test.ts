import { describe, expect, it } from 'vitest';

import { parseStoreUrl, redactStoreUrl } from './store-url.js';

describe('parseStoreUrl', () => {
  it.each([
    ['sqlite:ferry.db', { dialect: 'sqlite', path: 'ferry.db', memory: false }],
    ['sqlite:/srv/ferry/ferry.db', { dialect: 'sqlite', path: '/srv/ferry/ferry.db', memory: false }],
    ['sqlite::memory:', { dialect: 'sqlite', path: ':memory:', memory: true }],
    ['sqlite:///relative.db', { dialect: 'sqlite', path: 'relative.db', memory: false }],
    ['sqlite:////abs/dlrn.db', { dialect: 'sqlite', path: '/abs/dlrn.db', memory: false }],
    [
      'postgres://ferry@db:5432/ferry',
      { dialect: 'postgres', connectionString: 'postgres://ferry@db:5432/ferry' },
    ],
    ['postgresql://db/ferry', { dialect: 'postgres', connectionString: 'postgresql://db/ferry' }],
  ])('reads %s', (url, expected) => {
    expect(parseStoreUrl(url)).toEqual(expected);
  });

  it.each([
    ['mysql://root@db/dlrn', /unsupported database URL "mysql:\/\/root@db\/dlrn"/],
    ['ferry.db', /unsupported database URL "ferry.db"/],
    ['postgres://db', /names no database/],
    ['postgres://db:notaport/x', /invalid database URL/],
  ])('rejects %s', (url, message) => {
    expect(() => parseStoreUrl(url)).toThrow(message);
  });
});

describe('redactStoreUrl', () => {
  it('hides passwords and keeps the rest', () => {
    expect(redactStoreUrl('postgres://ferry:s3cr3t@db:5432/ferry')).toBe(
      'postgres://ferry:***@db:5432/ferry',
    );
    expect(redactStoreUrl('postgres://ferry@db/ferry')).toBe('postgres://ferry@db/ferry');
    expect(redactStoreUrl('sqlite:/x/ferry.db')).toBe('sqlite:/x/ferry.db');
  });
});
