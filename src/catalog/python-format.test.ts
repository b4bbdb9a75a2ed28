import { describe, expect, it } from 'vitest';

import { exec } from '../util/exec.js';
import type { YamlMap } from './catalog-model.js';
import { MAX_SUBSTITUTION_GROWTH, pythonFormat } from './python-format.js';

const FIELDS: YamlMap = {
  project: 'nova',
  name: 'python-%(project)s',
  count: 3,
  ratio: 1.5,
  flag: true,
  off: false,
  nothing: null,
};

const TEMPLATES = [
  'https://opendev.org/openstack/%(project)s',
  'openstack-%(project)s-%(project)s',
  'no substitution at all',
  '100%% done for %(project)s',
  '%(name)s',
  'v%(count)s r%(ratio)s',
  '%(flag)s/%(off)s/%(nothing)s',
  '',
];

/** What Python's `template % fields` gives, computed by python3 itself. */
async function pythonResults(templates: readonly string[]): Promise<string[]> {
  const script = [
    'import json, sys',
    'data = json.load(sys.stdin)',
    "fields = data['fields']",
    "print(json.dumps([t % fields for t in data['templates']]))",
  ].join('\n');
  const { stdout } = await exec('python3', ['-c', script], {
    input: JSON.stringify({ fields: FIELDS, templates }),
  });
  return JSON.parse(stdout) as string[];
}

describe('pythonFormat', () => {
  it('substitutes exactly like Python (checked against python3)', async () => {
    const expected = await pythonResults(TEMPLATES);

    const actual = TEMPLATES.map((template) => {
      const result = pythonFormat(template, FIELDS);
      return result.ok ? result.value : `error: ${result.reason}`;
    });

    expect(actual).toEqual(expected);
  });

  it('is not recursive: a substituted field keeps its own %(...)s', () => {
    expect(pythonFormat('%(name)s', FIELDS)).toEqual({ ok: true, value: 'python-%(project)s' });
  });

  it('rejects a missing field, a collection and unsupported conversions', () => {
    const lists: YamlMap = { ...FIELDS, maintainers: ['a@b.c'] };

    expect(pythonFormat('%(upstream)s', FIELDS)).toEqual({
      ok: false,
      reason: "no field 'upstream' to substitute",
    });
    expect(pythonFormat('%(maintainers)s', lists)).toEqual({
      ok: false,
      reason: "field 'maintainers' is not a scalar",
    });
    expect(pythonFormat('%(project)d', FIELDS)).toEqual({
      ok: false,
      reason: 'only %(project)s is supported',
    });
    expect(pythonFormat('a%20b', FIELDS)).toEqual({
      ok: false,
      reason: "'%' must be followed by '(field)s' or '%'",
    });
    expect(pythonFormat('%(project', FIELDS)).toEqual({ ok: false, reason: 'unclosed %(' });
  });

  it('fails a value growing past its template by more than MAX_SUBSTITUTION_GROWTH, or past a given length', () => {
    const fields = { big: 'x'.repeat(40_000), project: 'nova' };

    expect(pythonFormat('%(big)s', fields)).toEqual({ ok: true, value: fields.big });
    expect(pythonFormat('%(big)s%(big)s', fields)).toEqual({
      ok: false,
      reason: `expands to more than ${14 + MAX_SUBSTITUTION_GROWTH} characters`,
      tooLong: true,
    });
    expect(pythonFormat('python-%(project)s', fields, 10)).toMatchObject({ ok: false, tooLong: true });
  });
});
