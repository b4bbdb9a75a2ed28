import { describe, expect, it } from 'vitest';

import { exec } from '../util/exec.js';
import { parseYaml, resolvePlainScalar } from './yaml-parse.js';

/** Scalars whose meaning differs between YAML 1.1 (PyYAML, distroinfo) and 1.2 (js-yaml's default). */
const SCALARS = [
  'yes',
  'No',
  'on',
  'OFF',
  'y',
  'true',
  'False',
  '017',
  '0x1F',
  '0b101',
  '1_000',
  '1:30',
  '-190:20:30',
  '1e3',
  '1.5e+3',
  '1.10',
  '.5',
  '.inf',
  '-.Inf',
  '~',
  'null',
  'NULL',
  '',
  '3.0.0',
  'v8.2.1',
  '4c186a2ae6bfdc96b62de9acd0e32ce5df27ac68',
  '0',
  '+12',
  '<<x',
];

/** PyYAML's reading of `key: <scalar>` for each scalar, as JSON (python3-yaml is the reference). */
async function pyyaml(document: string): Promise<unknown> {
  const script = 'import json, sys, yaml\nprint(json.dumps(yaml.safe_load(sys.stdin.read())))';
  const { stdout } = await exec('python3', ['-c', script], { input: document });
  // Python's json writes infinities as bare Infinity, which JSON.parse rejects.
  return JSON.parse(stdout.replace(/-?Infinity/g, '"$&"'), (_key, value: unknown) =>
    value === 'Infinity' || value === '-Infinity' ? Number(value) : value,
  ) as unknown;
}

describe('parseYaml', () => {
  it('resolves plain scalars as PyYAML does (checked against python3-yaml)', async () => {
    const document = SCALARS.map((scalar, i) => `k${i}: ${scalar}`).join('\n');

    const expected = await pyyaml(document);

    expect(parseYaml(document, 't.yml').value).toEqual(expected);
    for (const [i, scalar] of SCALARS.entries()) {
      expect(resolvePlainScalar(scalar), scalar).toEqual((expected as Record<string, unknown>)[`k${i}`]);
    }
  });

  it('reads nested documents, merge keys and quoted scalars like PyYAML', async () => {
    const document = [
      'base: &base {a: 1, b: [x, "y"]}',
      'derived:',
      '  <<: *base',
      '  b: yes',
      "quoted: ['on', \"017\", 'it''s']",
      'block: |',
      '  line one',
      '  line two',
      'folded: >-',
      '  one',
      '  two',
    ].join('\n');

    expect(parseYaml(document, 't.yml').value).toEqual(await pyyaml(document));
  });

  it('keeps the last of duplicated keys, as PyYAML does, and reports the first duplicate', async () => {
    const document = 'a: 1\nb:\n  url: first\n  url: second\n';

    const parsed = parseYaml(document, 't.yml');

    expect(parsed.value).toEqual(await pyyaml(document));
    expect(parsed.duplicateKey).toMatchObject({ line: 4, column: 3 });
  });

  it('reports a syntax error with its line and column', () => {
    const parsed = parseYaml('packages:\n- project: a\n  conf: [x, y\n- project: b\n', 'bad.yml');

    expect(parsed.value).toBeUndefined();
    expect(parsed.syntaxError?.line).toBeGreaterThanOrEqual(3);
    expect(parsed.syntaxError?.message).toBeTruthy();
  });
});
