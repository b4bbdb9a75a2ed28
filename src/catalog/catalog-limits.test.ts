import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { copyBasicCatalog } from '../../test/helpers/catalog-fixture.js';
import { tempDir } from '../../test/helpers/temp-dir.js';
import { aliasBomb, anyYaml, brokenYaml, hostileYaml } from '../../test/helpers/yaml-arbitrary.js';
import { YAML_LIMITS } from '../util/yaml-limits.js';
import { isKnockOn } from './knock-on-problems.js';
import { MAX_LISTED_PROBLEMS, loadCatalog, type CatalogLoad } from './load-catalog.js';
import { formatProblem } from './locate-problems.js';
import { CATALOG_LIMITS } from './read-catalog-files.js';
import { parseYaml } from './yaml-parse.js';

/** Every problem, as `validate` prints it. */
function lines(load: CatalogLoad): string[] {
  return load.problems.map((problem) => `${problem.severity}: ${formatProblem(problem)}`);
}

/** A catalog directory holding `files` (the entry is rdo.yml). */
async function catalogOf(files: Record<string, string>): Promise<string> {
  const dir = await tempDir('ferry-catalog-limits-');
  for (const [file, text] of Object.entries(files)) await writeFile(join(dir, file), text);
  return dir;
}

describe('catalog files past the YAML limits', () => {
  it('reports the alias bomb of the hardening issue in the entry file as one error, nothing else', async () => {
    const dir = await catalogOf({ 'rdo.yml': `releases: []\npackages: []\n${aliasBomb(9, 9)}` });

    const load = await loadCatalog(dir);

    expect(lines(load)).toEqual([
      expect.stringMatching(/^error: rdo\.yml:\d+:\d+ x(\.l\d)?: aliases expand the document past 16 MiB$/),
    ]);
    expect(load.problems[0]!.code).toBe('yaml-limit');
    expect(load.unreadable).toEqual(['rdo.yml']);
  });

  it('reports a bomb, a recursive alias and deep nesting in imported files, each naming its file', async () => {
    const copy = await copyBasicCatalog();
    await copy.replace('tags.yml', '- tags/flamingo-uc.yml', '- tags/flamingo-uc.yml\n- tags/bomb.yml');
    await copy.write('tags/bomb.yml', aliasBomb(9, 9, 'packages'));
    await copy.replace('rdo-full.yml', '- buildsys-tags.yml', '- buildsys-tags.yml\n- loop.yml\n- deep.yml');
    await copy.write('loop.yml', 'packages: &p\n- project: nova\n  tags: *p\n');
    await copy.write('deep.yml', `packages: ${'['.repeat(100)}${']'.repeat(100)}\n`);

    const load = await loadCatalog(copy.dir);

    expect(lines(load)).toEqual([
      expect.stringMatching(
        /^error: tags\/bomb\.yml:\d+:\d+ packages(\.l\d)?: aliases expand the document past 16 MiB$/,
      ),
      'error: loop.yml:3:3 packages[0].tags: an alias refers to a node that contains it (recursive alias)',
      `error: deep.yml:1:${YAML_LIMITS.maxDepth + 10} nested more than 64 levels deep`,
    ]);
  });

  it('refuses a file past the size limit and a FIFO without reading them', async () => {
    const copy = await copyBasicCatalog();
    await copy.replace('rdo-full.yml', '- buildsys-tags.yml', '- buildsys-tags.yml\n- big.yml\n- fifo.yml');
    await copy.write('big.yml', `# ${'x'.repeat(YAML_LIMITS.maxBytes)}\n`);
    execFileSync('mkfifo', [join(copy.dir, 'fifo.yml')]);

    const load = await loadCatalog(copy.dir);

    expect(lines(load)).toEqual([
      `error: big.yml:1:1 document too large: ${YAML_LIMITS.maxBytes + 3} bytes, the limit is 8 MiB`,
      'error: fifo.yml:1:1 not a regular file',
    ]);
  });

  it('stops a chain of files each importing the next twice (2^14 merges)', async () => {
    const files: Record<string, string> = {
      'rdo.yml': 'import: [f1.yml, f1.yml]\nreleases: []\npackages: []\n',
    };
    for (let i = 1; i < 14; i++) files[`f${i}.yml`] = `import: [f${i + 1}.yml, f${i + 1}.yml]\n`;
    files['f14.yml'] = 'packages: []\n';

    const load = await loadCatalog(await catalogOf(files));

    expect(lines(load)).toEqual([
      expect.stringMatching(
        /^error: f\d+\.yml:1:\d+ import\[\d+\]: the catalog merges files more than 10000 times \(files imported again and again\)$/,
      ),
    ]);
    expect(load.catalog.files.length).toBeLessThanOrEqual(15);
  });

  it('stops a file that aliases expand to 2.6 MiB imported again and again', async () => {
    // 8^7 numbers: past no limit of one document, past the catalog's merged size at the 25th merge.
    const levels = ['unused:', `  l0: &l0 [${Array.from({ length: 8 }, () => '1').join(',')}]`];
    for (let level = 1; level < 7; level++) {
      levels.push(`  l${level}: &l${level} [${Array.from({ length: 8 }, () => `*l${level - 1}`).join(',')}]`);
    }
    const big = `${levels.join('\n')}\n`;
    const imports = Array.from({ length: 30 }, () => '- big.yml').join('\n');
    const dir = await catalogOf({
      'rdo.yml': `import:\n${imports}\nreleases: []\npackages: []\n`,
      'big.yml': big,
    });

    const load = await loadCatalog(dir);

    expect(lines(load).filter((line) => line.startsWith('error: '))).toEqual([
      expect.stringMatching(
        new RegExp(
          `^error: rdo\\.yml:\\d+:3 import\\[\\d+\\]: the catalog's merged files pass ${CATALOG_LIMITS.maxMergedSize / 1024 / 1024} MiB`,
        ),
      ),
    ]);
  });

  it('checks no package of a catalog defining more than 50,000 (one line each: 450,000 took 16 s and 1.6 GB)', async () => {
    const entries = Array.from({ length: CATALOG_LIMITS.maxPackages + 1 }, (_, i) => `- project: p${i}`);
    const dir = await catalogOf({ 'rdo.yml': `releases: []\npackages:\n${entries.join('\n')}\n` });

    const load = await loadCatalog(dir);

    expect(lines(load)).toEqual([
      `error: rdo.yml:${CATALOG_LIMITS.maxPackages + 3}:3 packages[${CATALOG_LIMITS.maxPackages}]: the catalog defines 50001 packages, more than 50000: none is checked`,
    ]);
    expect(load.catalog.packages).toEqual([]);
  });

  it('lists 10,000 problems and counts the others (110,000 bad maintainers: 2.8 million took 2.2 GB)', async () => {
    const maintainers = `[${Array.from({ length: 100 }, () => 'x').join(', ')}]`;
    const entries = Array.from(
      { length: 1100 },
      (_, i) =>
        `- project: p${i}\n  name: p${i}\n  upstream: https://e.org/x\n  distgit: https://e.org/y\n  maintainers: ${maintainers}`,
    );
    const dir = await catalogOf({ 'rdo.yml': `releases: []\npackages:\n${entries.join('\n')}\n` });

    const load = await loadCatalog(dir);

    expect(load.errors).toBe(110_000);
    expect(load.problems).toHaveLength(MAX_LISTED_PROBLEMS);
    expect(load.omitted).toBe(100_000);
    expect(load.valid).toBe(false);
  });

  it('property: any catalog file gives problems located in a file, never a crash', async () => {
    const dir = await tempDir('ferry-catalog-fuzz-');
    let run = 0;
    await fc.assert(
      fc.asyncProperty(anyYaml, async (text) => {
        const root = join(dir, String(run++));
        await mkdir(root);
        await writeFile(join(root, 'rdo.yml'), 'import: [other.yml]\nreleases: []\npackages: []\n');
        await writeFile(join(root, 'other.yml'), text);

        const load = await loadCatalog(root);

        for (const problem of load.problems) {
          expect(['rdo.yml', 'other.yml']).toContain(problem.file);
          expect(problem.line).toBeGreaterThanOrEqual(1);
          expect(problem.column).toBeGreaterThanOrEqual(1);
        }
        const yamlErrors = load.problems.filter((problem) => problem.code.startsWith('yaml-'));
        if (yamlErrors.length > 0) expect(load.problems[0]).toBe(yamlErrors[0]);
        if (load.unreadable.length > 0) expect(load.problems.filter(isKnockOn)).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });

  it('property: hostile documents are refused by the catalog parser, which never throws', () => {
    fc.assert(
      fc.property(hostileYaml, (text) => {
        const parsed = parseYaml(text, 'h.yml');

        expect(parsed.value).toBeUndefined();
        expect(parsed.limitError).toBeDefined();
      }),
      { numRuns: 100 },
    );
  });
});

describe('a YAML syntax error in one file of a catalog', () => {
  it('comes first, alone: what follows from the unread file is left out and counted', async () => {
    const copy = await copyBasicCatalog();
    await copy.replace('rdo.yml', '- project: nova\n  conf: core', '- project: nova\n  conf: [core');

    const load = await loadCatalog(copy.dir);

    expect(lines(load)).toEqual([
      `error: ${await copy.at('rdo.yml', 'maintainers:\n  - nova')} YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]`,
    ]);
    expect(load.unreadable).toEqual(['rdo.yml']);
    // No releases section, packages without templates, tags naming no release...
    expect(load.suppressed).toBeGreaterThan(5);
  });

  it('is reported at the second document of a file holding two (js-yaml gives that error no position)', async () => {
    // Before: "unexpected failure (this is a bug in ferry...): TypeError: Cannot read properties of undefined".
    const dir = await catalogOf({ 'rdo.yml': 'releases: []\npackages: []\n---\nb: 2\n' });

    const load = await loadCatalog(dir);

    expect(lines(load)).toEqual([
      'error: rdo.yml:3:1 YAML syntax error: a second YAML document starts here (---): the file holds one',
    ]);
  });

  it('keeps problems of other files that do not follow from it, after it', async () => {
    const copy = await copyBasicCatalog();
    await copy.replace('rdo.yml', '- project: nova\n  conf: core', '- project: nova\n  conf: [core');
    await copy.replace('deps.yml', 'upstream: https://', 'upstream: htps//');

    const load = await loadCatalog(copy.dir);

    expect(load.problems.map((problem) => problem.code)).toEqual(['yaml-syntax', 'invalid-url']);
  });

  it('property: a broken file of a generated catalog is reported first, without knock-on problems', async () => {
    await fc.assert(
      fc.asyncProperty(brokenYaml, fc.constantFrom('rdo.yml', 'tags.yml'), async (text, which) => {
        const catalog = await copyBasicCatalog();
        await writeFile(join(catalog.dir, which), text);

        const load = await loadCatalog(catalog.dir);

        const yamlError = load.problems.find((problem) => problem.code.startsWith('yaml-'));
        if (yamlError) expect(load.problems[0]).toEqual({ ...yamlError, file: which });
        // Unreadable: unparsed, or its imports refused (an `import:` that is not a list of names).
        if (load.unreadable.includes(which)) expect(load.problems.filter(isKnockOn)).toEqual([]);
      }),
      { numRuns: 40 },
    );
  });
});

describe('values that grow when the catalog is expanded', () => {
  const PACKAGE =
    '  maintainers: [a@example.org]\n  upstream: https://example.org/x\n  distgit: https://example.org/y\n';

  it('refuses a template repeating a long field (a 114 KB catalog made list --json run out of memory)', async () => {
    const packages = Array.from({ length: 20 }, (_, i) => `- project: p${i}`).join('\n');
    const dir = await catalogOf({
      'rdo.yml': `releases: []\npackage-default:\n  big: "${'x'.repeat(100_000)}"\n  description: "${'%(big)s'.repeat(2000)}"\n  name: "%(project)s"\n${PACKAGE}packages:\n${packages}\n`,
    });

    const load = await loadCatalog(dir);

    expect(lines(load)).toEqual([
      'error: rdo.yml:4:3 package-default.description: cannot substitute "%(big)s%(big)s%(big)s%(big)s%(big)s%(big)s%(big)s%(big)s%(bi…)s%(big)s%(big)s%(big)s%(big)s": expands to more than 79536 characters (in 20 packages)',
    ]);
  });

  it("stops when the catalog's substituted values together pass 64 MiB", async () => {
    const packages = Array.from({ length: 1200 }, (_, i) => `- project: p${i}`).join('\n');
    const dir = await catalogOf({
      'rdo.yml': `releases: []\npackage-default:\n  big: "${'x'.repeat(30_000)}"\n  description: "%(big)s%(big)s"\n  name: "%(project)s"\n${PACKAGE}packages:\n${packages}\n`,
    });

    const load = await loadCatalog(dir);

    expect(lines(load)).toEqual([
      expect.stringMatching(
        /^error: rdo\.yml:4:3 package-default\.description: cannot substitute "%\(big\)s%\(big\)s": the catalog's substituted values pass 64 MiB \(templates applied to every package\) \(in \d+ packages\)$/,
      ),
    ]);
  });

  it('suggests nothing for a tag name of 200,000 characters, and quotes it shortened', async () => {
    const name = (c: string) => c.repeat(200_000);
    const dir = await catalogOf({
      'rdo.yml': `releases:\n- name: ${name('a')}\n  status: maintained\n  repos: [{name: el9, branch: b}]\npackages:\n- project: p\n  name: p\n${PACKAGE}  tags:\n    ${name('b')}:\n`,
    });

    const load = await loadCatalog(dir);

    expect(lines(load)).toEqual([
      `error: rdo.yml:12:5 packages[0].tags["${'b'.repeat(60)}…${'b'.repeat(30)}"]: unknown tag "${'b'.repeat(60)}…${'b'.repeat(30)}": neither a release, a release's -uc variant, nor a declared tag`,
    ]);
  });
});

describe('packages without a name', () => {
  it('are each reported missing a name, not as one package defined many times', async () => {
    const dir = await catalogOf({
      'rdo.yml':
        'releases: []\npackages:\n- project: a\n  maintainers: [a@example.org]\n  upstream: https://example.org/a\n  distgit: https://example.org/a-distgit\n- project: b\n  maintainers: [b@example.org]\n  upstream: https://example.org/b\n  distgit: https://example.org/b-distgit\n',
    });

    const load = await loadCatalog(dir);

    expect(lines(load)).toEqual([
      'error: rdo.yml:3:3 packages[0]: missing name',
      'error: rdo.yml:7:3 packages[1]: missing name',
    ]);
  });
});
