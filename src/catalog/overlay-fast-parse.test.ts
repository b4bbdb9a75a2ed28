import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

import jsYaml from 'js-yaml';
import { describe, expect, it } from 'vitest';

import { RDOINFO } from '../../test/helpers/catalog-fixture.js';
import { parseOverlayFast } from './overlay-fast-parse.js';
import { PYYAML_SCHEMA } from './yaml-parse.js';

/** js-yaml with the PyYAML schema: the answer the fast path must give. */
function reference(text: string): unknown {
  return jsYaml.load(text, { schema: PYYAML_SCHEMA });
}

const ACCEPTED = [
  'packages:\n',
  '# a comment\npackages:\n# another\n',
  'packages:\n- project: nova\n  buildsys-tags:\n    cloud9s-openstack-caracal-release: openstack-nova-29.2.0-1.el9s\n',
  'packages:\n- project: a\n  tags:\n    caracal:\n    flamingo:\n      source-branch: 9.4.0\n      component: compute\n- project: b\n  tags:\n',
  'packages:\n- project: gnocchiclient\n  tags:\n    version-locked:\n      wallaby:\n      xena:\n\n  # comment\n- project: x\n',
  'packages:\n- project: typed\n  tags:\n    t:\n      a: 1.10\n      b: 017\n      c: yes\n      d: ~\n      e: 1e3\n      f: v8.2.1\n      h: .inf\n',
  'packages:\n- project: keys\n  tags:\n    yes: 1\n    1.10: 2\n    null: 3\n',
];

const REJECTED = [
  'packages: []\n',
  'packages:\n- project: "quoted"\n',
  'packages:\n- project: a # trailing comment\n',
  'packages:\n- project: a\n  tags: {caracal: }\n',
  'packages:\n- project: a\n   tags:\n',
  'packages:\n- project: a\n  tags:\n    caracal:\n      x:\n        deeper: 1\n',
  'packages:\n- project: a\n  project: b\n',
  'packages:\r\n- project: a\r\n',
  'packages:\n- project: a\n\ttags:\n',
  'packages:\n- project: https://example.org/x\n',
  'packages:\n- project: a\n  tags:\n  - caracal\n',
  'releases:\n- name: x\n',
  'packages:\n- - nested\n',
  'packages:\n- project: a\n  tags:\n    t:\n      g: 1:30\n',
];

describe('parseOverlayFast', () => {
  it('gives what js-yaml gives for the tag-file shapes it accepts', () => {
    for (const text of ACCEPTED) {
      const fast = parseOverlayFast(text);

      expect(fast, text).toBeDefined();
      expect(fast, text).toEqual(reference(text));
    }
  });

  it('declines anything outside its subset', () => {
    expect(REJECTED.filter((text) => parseOverlayFast(text) !== undefined)).toEqual([]);
  });

  (existsSync(RDOINFO) ? it : it.skip)(
    'reads every rdoinfo tag and build-system-tag file as js-yaml does',
    () => {
      const files = [
        ...readdirSync(join(RDOINFO, 'tags')).map((file) => `tags/${file}`),
        ...readdirSync(join(RDOINFO, 'buildsys-tags')).map((file) => `buildsys-tags/${file}`),
      ];
      let fast = 0;
      for (const file of files) {
        const text = readFileSync(join(RDOINFO, file), 'utf8');
        const value = parseOverlayFast(text);
        if (value === undefined) continue;
        fast++;

        expect(value, file).toEqual(reference(text));
      }

      expect(fast).toBe(files.length);
    },
  );
  if (!existsSync(RDOINFO)) {
    it('skips the rdoinfo files', () => {
      console.log(`skipped: ${RDOINFO} is absent (real rdoinfo snapshot), its files were not compared`);
    });
  }
});
