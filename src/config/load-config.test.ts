import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { tempDir } from '../../test/helpers/temp-dir.js';
import { aliasBomb, anyYaml, hostileYaml } from '../../test/helpers/yaml-arbitrary.js';
import { FerryError } from '../errors.js';
import { loadConfig, parseConfig } from './load-config.js';

function problemOf(text: string): FerryError {
  try {
    parseConfig(text, 'ferry.yaml');
  } catch (error) {
    if (error instanceof FerryError) return error;
    throw error;
  }
  throw new Error('expected the configuration to be rejected');
}

describe('parseConfig', () => {
  it('fills defaults for an empty file', () => {
    const config = parseConfig('', 'ferry.yaml');

    expect(config.database).toBe('sqlite:ferry.db');
    expect(config.build).toEqual({ driver: 'rpmbuild', workers: 2, lookaside: [], timeout: 3600 });
    expect(config.server.port).toBe(8080);
  });

  it('keeps given values', () => {
    const config = parseConfig(
      'distro:\n  dist: .fc41\n  macros: {_vendor: ferry}\nbuild:\n  workers: 4\n',
      'f.yaml',
    );

    expect(config.distro).toEqual({ dist: '.fc41', macros: { _vendor: 'ferry' } });
    expect(config.build.workers).toBe(4);
  });

  it('names file, line and field of an unknown key', () => {
    const error = problemOf('build:\n  workers: 2\n  wrokers: 3\n');

    expect(error.code).toBe('FERRY_CONFIG_INVALID');
    expect(error.toString()).toBe('ferry.yaml:3:3: build.wrokers: unknown key');
    expect(error.exitCode).toBe(2);
  });

  it('reports every problem at once', () => {
    const error = problemOf('build:\n  workers: many\nserver:\n  port: 99999\n');

    expect(error.message).toMatch(/ferry\.yaml:2:12: build\.workers: .*number/);
    expect(error.message).toMatch(/ferry\.yaml:4:9: server\.port: /);
  });

  it('reports YAML syntax errors with their position', () => {
    const error = problemOf('build:\n  workers: [1, 2\n');

    expect(error.line).toBeGreaterThanOrEqual(2);
    expect(error.file).toBe('ferry.yaml');
  });

  it('names each unknown key at its own line', () => {
    const error = problemOf('build:\n  wrokers: 3\n  bad: 1\n');

    expect(error.message).toBe(
      'invalid configuration:\n  ferry.yaml:2:3: build.wrokers: unknown key\n  ferry.yaml:3:3: build.bad: unknown key',
    );
  });

  it('checks every value at load, all problems at once, in file order', () => {
    const error = problemOf(
      [
        'catalog: {path: "a\\0b", release: ../x}',
        'distro: {dist: ".el 9", macros: {"bad name": 1, ok: "two\\nlines"}}',
        'baseurl: repos',
        'database: mysql://db/ferry',
        'build: {driver: mock, lookaside: [gopher://h/r, ""], timeout: 9999999}',
        "retry: {patterns: ['ok', '(unclosed', '[z-a]'], max: 1000}",
        'notify: {command: "", webhook: "ftp://h/x"}',
        'server: {host: "a b", port: 70000}',
      ].join('\n'),
    );

    expect(error.message.split('\n  ').slice(1)).toEqual([
      'ferry.yaml:1:17: catalog.path: must not contain control characters (newline, tab, NUL...)',
      "ferry.yaml:1:34: catalog.release: must be a name: letters, digits, '.', '_', '+', '-' (no '/', no '..')",
      'ferry.yaml:2:16: distro.dist: must not contain spaces',
      'ferry.yaml:2:34: distro.macros.bad name: invalid key: not an rpm macro name',
      'ferry.yaml:2:53: distro.macros.ok: must not contain control characters (newline, tab, NUL...)',
      'ferry.yaml:3:10: baseurl: not a URL: "repos"',
      'ferry.yaml:4:11: database: use sqlite:PATH, sqlite::memory: or postgres://user@host:port/db',
      'ferry.yaml:5:17: build.driver: Invalid input: expected "rpmbuild"',
      'ferry.yaml:5:35: build.lookaside[0]: use a directory, an http(s):// URL or a file:// URL',
      'ferry.yaml:5:49: build.lookaside[1]: must not be empty',
      'ferry.yaml:5:63: build.timeout: Too big: expected number to be <=604800',
      'ferry.yaml:6:26: retry.patterns[1]: not a valid regular expression (JavaScript syntax): /(unclosed/: Unterminated group',
      'ferry.yaml:6:39: retry.patterns[2]: not a valid regular expression (JavaScript syntax): /[z-a]/: Range out of order in character class',
      'ferry.yaml:6:54: retry.max: Too big: expected number to be <=100',
      'ferry.yaml:7:19: notify.command: must not be empty',
      'ferry.yaml:7:32: notify.webhook: ftp: URLs are not supported here (use http:, https:)',
      'ferry.yaml:8:16: server.host: not a host name or IP address',
      'ferry.yaml:8:29: server.port: Too big: expected number to be <=65535',
    ]);
  });

  it('accepts the forms each value may take', () => {
    const config = parseConfig(
      [
        'catalog: {path: /srv/rdoinfo, release: caracal, tag: caracal-uc}',
        'distro: {dist: "", macros: {_vendor: ferry, rhel: 9}}',
        'baseurl: file:///srv/ferry/repos',
        'database: postgres://ferry@db.example:5432/ferry',
        'build: {lookaside: [lookaside, /srv/deps, "https://mirror.example/el9/", "file:///srv/x"]}',
        "retry: {patterns: ['Connection timed out', '^error: (?:foo|bar)\\b'], max: 0}",
        'notify: {command: /usr/local/bin/notify, webhook: https://hooks.example/ferry}',
        'server: {host: "::1", port: 0}',
      ].join('\n'),
      'ferry.yaml',
    );

    expect(config.retry.patterns).toEqual(['Connection timed out', '^error: (?:foo|bar)\\b']);
    expect(config.database).toBe('postgres://ferry@db.example:5432/ferry');
  });

  it('refuses an alias bomb, a recursive alias and deep nesting with their position, as one error', () => {
    const bomb = problemOf(`build: {workers: 2}\n${aliasBomb(9, 9)}`);
    const recursive = problemOf('retry: &r {patterns: [*r]}\n');
    const deep = problemOf(`distro: ${'['.repeat(5000)}${']'.repeat(5000)}\n`);

    expect(bomb.toString()).toMatch(
      /^ferry\.yaml:\d+:\d+: x(\.l\d)?: aliases expand the document past 16 MiB$/,
    );
    expect(recursive.toString()).toBe(
      'ferry.yaml:1:23: retry.patterns[0]: an alias refers to a node that contains it (recursive alias)',
    );
    expect(deep.toString()).toMatch(/^ferry\.yaml:1:\d+: nested more than 64 levels deep$/);
  });

  it('refuses an alias naming no anchor before it, at its position', () => {
    // Before: "unexpected failure (this is a bug in ferry...): ReferenceError: Unresolved alias".
    expect(problemOf('build: {workers: 2}\nretry: *nowhere\n').toString()).toBe(
      'ferry.yaml:2:8: alias *nowhere refers to no anchor before it',
    );
  });

  it('refuses a second document and a file past 256 KiB', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'ferry.yaml'), `# ${'x'.repeat(256 * 1024)}\n`);

    expect(problemOf('build: {workers: 2}\n---\nbuild: {}\n').toString()).toBe(
      'ferry.yaml:2:1: a second YAML document starts here (---): the file holds one',
    );
    await expect(loadConfig(join(dir, 'ferry.yaml'))).rejects.toThrow(
      'document too large: 262147 bytes, the limit is 256 KiB',
    );
  });

  it('property: any document gives a configuration or one FerryError naming the file', () => {
    fc.assert(
      fc.property(anyYaml, (text) => {
        try {
          parseConfig(text, 'ferry.yaml');
        } catch (error) {
          expect(error).toBeInstanceOf(FerryError);
          expect((error as FerryError).code).toBe('FERRY_CONFIG_INVALID');
          // Each problem names the file (with line and column, but for a document too large to parse).
          expect(String(error)).toMatch(/(^|\n {2})ferry\.yaml(:\d+:\d+)?: /);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('property: hostile documents are refused', () => {
    fc.assert(
      fc.property(hostileYaml, (text) => {
        expect(() => parseConfig(text, 'ferry.yaml')).toThrow(FerryError);
      }),
      { numRuns: 60 },
    );
  });
});
