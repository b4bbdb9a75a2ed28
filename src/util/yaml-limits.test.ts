import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import fc from 'fast-check';
import jsYaml from 'js-yaml';
import { LineCounter, parseDocument } from 'yaml';
import { describe, expect, it } from 'vitest';

import { aliasBomb, anyYaml, hostileYaml, validYaml } from '../../test/helpers/yaml-arbitrary.js';
import { tempDir } from '../../test/helpers/temp-dir.js';
import { FerryError } from '../errors.js';
import { loadYaml } from './load-yaml.js';
import { documentValue } from './yaml-document-value.js';
import { YAML_LIMITS, measureYaml, readYamlFile, yamlExpansionProblem } from './yaml-limits.js';

/** The FerryError `fn` throws (fails the test when it returns or throws something else). */
function ferryErrorOf(fn: () => unknown): FerryError {
  try {
    fn();
  } catch (error) {
    if (error instanceof FerryError) return error;
    throw error;
  }
  throw new Error('expected a FerryError');
}

/** Size of a tree value, as YamlLimits defines it, computed naively (no sharing). */
function naiveSize(value: unknown): number {
  if (Array.isArray(value)) return 1 + value.reduce((sum: number, item) => sum + naiveSize(item), 0);
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).reduce((sum, [key, item]) => sum + key.length + naiveSize(item), 1);
  }
  return typeof value === 'string' ? value.length : 1;
}

describe('loadYaml', () => {
  it('refuses the 600-byte alias bomb of the hardening issue, naming the file and the node', () => {
    const bomb = aliasBomb(9, 9);

    const error = ferryErrorOf(() => loadYaml(bomb, 'bomb.yml', 'FERRY_CATALOG_INVALID'));

    expect(bomb.length).toBeLessThan(650);
    expect(error.code).toBe('FERRY_CATALOG_INVALID');
    expect(error.toString()).toMatch(/^bomb\.yml: x(\.l\d)?: aliases expand the document past 16 MiB$/);
  });

  it('refuses an alias that refers to a node containing it', () => {
    const error = ferryErrorOf(() => loadYaml('a: &a [1, *a]\n', 'r.yml', 'FERRY_REPODATA_INVALID'));

    expect(error.toString()).toBe(
      'r.yml: a[1]: an alias refers to a node that contains it (recursive alias)',
    );
  });

  it('refuses nesting past the limit with its line, flow or block', () => {
    const flow = ferryErrorOf(() =>
      loadYaml(`a: ${'['.repeat(200)}${']'.repeat(200)}`, 'f.yml', 'FERRY_USAGE'),
    );
    const block = Array.from({ length: 100 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n');
    const blockError = ferryErrorOf(() => loadYaml(block, 'b.yml', 'FERRY_USAGE'));

    expect(flow.toString()).toBe(`f.yml:1:${YAML_LIMITS.maxDepth + 3}: nested more than 64 levels deep`);
    expect(blockError.toString()).toMatch(/^b\.yml:\d+:\d+: nested more than 64 levels deep$/);
  });

  it('refuses nesting made deep through a chain of aliases', () => {
    const lines = ['c0: &c0 [x]'];
    for (let i = 1; i < 80; i++) lines.push(`c${i}: &c${i} [*c${i - 1}]`);

    const error = ferryErrorOf(() => loadYaml(lines.join('\n'), 'chain.yml', 'FERRY_USAGE'));

    expect(error.message).toMatch(/nested more than 64 levels deep \(through aliases\)$/);
  });

  it('counts a long scalar at every alias of it', () => {
    const text = `a: &s "${'x'.repeat(1 << 20)}"\nb: [${Array.from({ length: 40 }, () => '*s').join(', ')}]\n`;

    const error = ferryErrorOf(() => loadYaml(text, 's.yml', 'FERRY_USAGE'));

    expect(error.message).toBe('b: aliases expand the document past 16 MiB');
  });

  it('refuses a document past the size limit before parsing it', () => {
    const limits = { ...YAML_LIMITS, maxBytes: 100 };

    const error = ferryErrorOf(() => loadYaml(`a: ${'b'.repeat(200)}`, 'big.yml', 'FERRY_USAGE', { limits }));

    expect(error.toString()).toBe('big.yml: document too large: 203 bytes, the limit is 100 bytes');
  });

  it('refuses a second document as a FerryError (js-yaml gives that error no position)', () => {
    const error = ferryErrorOf(() => loadYaml('a: 1\n---\nb: 2\n', 'two.yml', 'FERRY_REPODATA_INVALID'));

    expect(error.toString()).toBe(
      'two.yml: invalid YAML: expected a single document in the stream, but found more',
    );
  });

  it('reads ordinary documents, aliases included, as js-yaml does', () => {
    const text = 'base: &b {a: 1, list: [x, y]}\nuse: *b\nmerged:\n  <<: *b\n  c: 2\n';

    expect(loadYaml(text, 'ok.yml', 'FERRY_USAGE')).toEqual(jsYaml.load(text));
  });

  it('property: any text gives a value or one FerryError naming the file, never another error', () => {
    fc.assert(
      fc.property(anyYaml, (text) => {
        try {
          loadYaml(text, 'doc.yml', 'FERRY_CATALOG_INVALID');
        } catch (error) {
          expect(error).toBeInstanceOf(FerryError);
          expect((error as FerryError).code).toBe('FERRY_CATALOG_INVALID');
          expect((error as FerryError).file).toBe('doc.yml');
          expect((error as FerryError).message).not.toContain('\n    at ');
        }
      }),
      { numRuns: 300 },
    );
  });

  it('property: hostile documents are all refused', () => {
    fc.assert(
      fc.property(hostileYaml, (text) => {
        expect(() => loadYaml(text, 'h.yml', 'FERRY_USAGE')).toThrow(FerryError);
      }),
      { numRuns: 100 },
    );
  });
});

describe('measureYaml', () => {
  it('property: the size of a shared value is the size of its expanded copy', () => {
    fc.assert(
      fc.property(validYaml, (text) => {
        // The core schema: no timestamps (a Date is one scalar here, a string once through JSON).
        const value = jsYaml.load(text, { schema: jsYaml.CORE_SCHEMA });

        expect(measureYaml(value).size).toBe(naiveSize(JSON.parse(JSON.stringify(value ?? null))));
      }),
      { numRuns: 200 },
    );
  });

  it('property: a document without aliases is no larger than its text', () => {
    fc.assert(
      fc.property(
        validYaml.filter((text) => !text.includes('*')),
        (text) => {
          expect(measureYaml(jsYaml.load(text)).size).toBeLessThanOrEqual(Math.max(text.length, 1));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('finds nothing wrong with plain values', () => {
    expect(yamlExpansionProblem({ a: [1, 'two', { three: null }] })).toBeUndefined();
    expect(yamlExpansionProblem('scalar')).toBeUndefined();
  });
});

describe('documentValue (the yaml package)', () => {
  const valueOf = (text: string) => {
    const lineCounter = new LineCounter();
    return documentValue(parseDocument(text, { lineCounter }), lineCounter);
  };

  it('refuses an alias bomb with the position of the node', () => {
    expect(valueOf(aliasBomb(9, 9))).toEqual({
      problem: expect.objectContaining({
        message: 'aliases expand the document past 16 MiB',
        line: expect.any(Number) as number,
      }) as object,
    });
  });

  it('refuses recursive aliases and deep nesting', () => {
    expect(valueOf('a: &a [1, *a]\n')).toMatchObject({ problem: { path: ['a', 1], line: 1 } });
    expect(valueOf(`a: ${'['.repeat(100)}${']'.repeat(100)}\n`)).toMatchObject({
      problem: { message: 'nested more than 64 levels deep', line: 1 },
    });
  });

  it('refuses an alias naming no anchor before it (toJS threw a bare ReferenceError)', () => {
    expect(valueOf('a: [*later, &later 1]\n')).toEqual({
      problem: { message: 'alias *later refers to no anchor before it', path: [], line: 1, column: 5 },
    });
  });

  it('gives the value of an ordinary document', () => {
    expect(valueOf('a: &x [1]\nb: *x\n')).toEqual({ value: { a: [1], b: [1] } });
  });
});

describe('readYamlFile', () => {
  it('reads a regular file and refuses one past the limit, a directory and a FIFO (without blocking)', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'ok.yml'), 'a: 1\n');
    await writeFile(join(dir, 'big.yml'), 'a: 1\n'.repeat(100));
    await mkdir(join(dir, 'dir.yml'));
    execFileSync('mkfifo', [join(dir, 'fifo.yml')]);
    const limits = { ...YAML_LIMITS, maxBytes: 100 };
    const message = (path: string) =>
      readYamlFile(join(dir, path), 'FERRY_CATALOG_INVALID', limits).then(
        () => 'read',
        (error: Error) => String(error),
      );

    expect(await readYamlFile(join(dir, 'ok.yml'), 'FERRY_CATALOG_INVALID', limits)).toBe('a: 1\n');
    expect(await message('big.yml')).toBe(
      `${join(dir, 'big.yml')}: document too large: 500 bytes, the limit is 100 bytes`,
    );
    expect(await message('dir.yml')).toBe(`${join(dir, 'dir.yml')}: not a regular file`);
    expect(await message('fifo.yml')).toBe(`${join(dir, 'fifo.yml')}: not a regular file`);
    expect(await message('missing.yml')).toMatch(/ENOENT/);
  });
});
