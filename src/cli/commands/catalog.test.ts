import { existsSync } from 'node:fs';
import { chmod, cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import {
  BASIC_CATALOG,
  RDOINFO,
  basicCatalogAt,
  copyBasicCatalog,
} from '../../../test/helpers/catalog-fixture.js';
import { runFerry } from '../../../test/helpers/run-ferry.js';
import { tempDir } from '../../../test/helpers/temp-dir.js';
import { aliasBomb } from '../../../test/helpers/yaml-arbitrary.js';

type Json = Record<string, unknown>;

describe('ferry catalog validate', () => {
  it('accepts a valid catalog (exit 0) and summarises it', async () => {
    const run = await runFerry(['catalog', 'validate', '--catalog', BASIC_CATALOG]);

    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      `catalog ${join(BASIC_CATALOG, 'rdo-full.yml')}: 4 packages, 2 releases, 10 files: 0 errors, 0 warnings\n`,
    );
  });

  it('prints every problem with file:line:column and field, and exits 2', async () => {
    const copy = await copyBasicCatalog();
    await copy.replace(
      'tags/flamingo.yml',
      '    flamingo:\n      component',
      '    flamigo:\n      component',
    );
    await copy.replace('rdo.yml', '  - nova@example.org', '  - nova-at-example.org');

    const run = await runFerry(['catalog', 'validate', '--catalog', copy.dir]);

    expect(run.code).toBe(2);
    expect(run.stdout.split('\n')).toEqual([
      `error: ${await copy.at('rdo.yml', 'nova-at-example.org')} packages[0].maintainers[0]: not an e-mail address: "nova-at-example.org"`,
      `error: ${await copy.at('tags/flamingo.yml', 'flamigo')} packages[2].tags.flamigo: unknown tag "flamigo": neither a release, a release's -uc variant, nor a declared tag (did you mean flamingo?)`,
      `catalog ${join(copy.dir, 'rdo-full.yml')}: 4 packages, 2 releases, 10 files: 2 errors, 0 warnings`,
      '',
    ]);
  });

  it('reports the problems as JSON', async () => {
    const copy = await copyBasicCatalog();
    await copy.replace('rdo.yml', '  conf: lib', '  conf: libb');

    const run = await runFerry([
      'catalog',
      'validate',
      '--json',
      '--catalog',
      join(copy.dir, 'rdo-full.yml'),
    ]);
    const report = JSON.parse(run.stdout) as Json & { problems: Json[] };

    expect(run.code).toBe(2);
    expect(report).toMatchObject({
      catalog: join(copy.dir, 'rdo-full.yml'),
      valid: false,
      files: 10,
      packages: 4,
      releases: 2,
      errors: 3,
      warnings: 0,
      notices: 0,
    });
    const [line, column] = (await copy.at('rdo.yml', 'conf: libb')).split(':').slice(1).map(Number);
    expect(report.problems.find((problem) => problem.code === 'unknown-template')).toEqual({
      severity: 'error',
      code: 'unknown-template',
      file: 'rdo.yml',
      line,
      column,
      path: 'packages[1].conf',
      message: 'unknown template "libb" (not in package-configs) (did you mean lib?)',
      related: [],
    });
  });

  it('finds the catalog from the workspace configuration, and says so when there is none', async () => {
    const workspace = await tempDir('ferry-ws-');
    await writeFile(
      join(workspace, 'ferry.yaml'),
      `catalog:\n  path: ${BASIC_CATALOG}\n  release: caracal\n`,
    );
    const elsewhere = await tempDir('ferry-nows-');

    const configured = await runFerry(['--workspace', workspace, 'catalog', 'validate']);
    const none = await runFerry(['catalog', 'validate'], { cwd: elsewhere, env: { FERRY_HOME: '' } });

    expect(configured.code).toBe(0);
    expect(configured.stdout).toContain('4 packages, 2 releases');
    expect(none.code).toBe(2);
    expect(none.stderr).toBe(
      `error: no catalog: pass --catalog PATH (an rdoinfo file or checkout) or run in a workspace (${elsewhere} has no ferry.yaml)\n`,
    );
  });

  it('reports an alias bomb as one error line and exits 2, without a crash', async () => {
    const dir = await tempDir('ferry-bomb-');
    await writeFile(join(dir, 'rdo.yml'), `releases: []\npackages: []\n${aliasBomb(9, 9)}`);

    const run = await runFerry(['catalog', 'validate', '--catalog', dir]);

    expect(run.code).toBe(2);
    expect(run.stderr).toBe('');
    expect(run.stdout.split('\n')).toEqual([
      expect.stringMatching(/^error: rdo\.yml:\d+:\d+ x(\.l\d)?: aliases expand the document past 16 MiB$/),
      '(2 more problems that follow from the unreadable rdo.yml not shown: fix it first)',
      `catalog ${join(dir, 'rdo.yml')}: 0 packages, 0 releases, 1 file: 1 error, 0 warnings`,
      '',
    ]);
  });

  it('reports an alias bomb or a bad retry pattern in ferry.yaml with file:line:column, exit 2', async () => {
    const bomb = await tempDir('ferry-ws-bomb-');
    await writeFile(join(bomb, 'ferry.yaml'), `catalog: {path: ${BASIC_CATALOG}}\n${aliasBomb(9, 9)}`);
    const pattern = await tempDir('ferry-ws-pattern-');
    await writeFile(
      join(pattern, 'ferry.yaml'),
      `catalog: {path: ${BASIC_CATALOG}}\nretry:\n  patterns: ['timed out', '(unclosed']\n`,
    );

    const bombRun = await runFerry(['--workspace', bomb, 'catalog', 'validate']);
    const patternRun = await runFerry(['--workspace', pattern, 'catalog', 'validate']);

    expect(bombRun.code).toBe(2);
    expect(bombRun.stderr).toMatch(
      new RegExp(
        `^error: ${join(bomb, 'ferry.yaml')}:\\d+:\\d+: x(\\.l\\d)?: aliases expand the document past 16 MiB\n$`,
      ),
    );
    expect(patternRun.code).toBe(2);
    expect(patternRun.stderr).toBe(
      `error: ${join(pattern, 'ferry.yaml')}:3:27: retry.patterns[1]: not a valid regular expression (JavaScript syntax): /(unclosed/: Unterminated group\n`,
    );
  });

  it('fails with exit 2 on a catalog path that does not exist', async () => {
    const run = await runFerry(['catalog', 'validate', '--catalog', '/nonexistent/catalog']);

    expect(run.code).toBe(2);
    expect(run.stderr).toBe('error: catalog not found: /nonexistent/catalog\n');
  });
});

describe('ferry catalog list', () => {
  it('prints packages with rdoinfo field names and where they are defined', async () => {
    const run = await runFerry(['catalog', 'list', '--json', '--catalog', BASIC_CATALOG]);
    const packages = JSON.parse(run.stdout) as Json[];

    const [line, column] = (await basicCatalogAt('rdo.yml', 'project: oslo-config'))
      .split(':')
      .slice(1)
      .map(Number);

    expect(run.code).toBe(0);
    expect(packages.map((pkg) => pkg.name)).toEqual([
      'openstack-nova',
      'python-oslo-config',
      'puppet-nova',
      'python-six',
    ]);
    expect(packages[1]).toEqual({
      name: 'python-oslo-config',
      'master-distgit': 'https://github.com/rdo-packages/oslo-config-distgit.git',
      tags: {
        caracal: { 'source-branch': '9.4.0' },
        flamingo: null,
        'flamingo-uc': { 'source-branch': '9.8.0' },
      },
      upstream: 'https://opendev.org/openstack/oslo-config',
      component: 'common',
      maintainers: ['lib@example.org'],
      project: 'oslo-config',
      conf: 'lib',
      'source-branch': 'main',
      'buildsys-tags': { 'cloud9s-openstack-caracal-release': 'python-oslo-config-9.4.0-1.el9s' },
      'defined-in': [{ file: 'rdo.yml', line, column, path: 'packages[1]' }],
    });
  });

  it("applies a release's tag and adds the effective branches", async () => {
    const run = await runFerry([
      'catalog',
      'list',
      '--json',
      '--release',
      'caracal',
      '--catalog',
      BASIC_CATALOG,
    ]);
    const packages = JSON.parse(run.stdout) as Json[];

    expect(packages.map((pkg) => [pkg.name, pkg['source-branch']])).toEqual([
      ['openstack-nova', undefined],
      ['python-oslo-config', '9.4.0'],
    ]);
    expect(packages[1]!.effective).toEqual({
      release: 'caracal',
      tag: 'caracal',
      upstream: 'https://opendev.org/openstack/oslo-config',
      'source-branch': '9.4.0',
      'source-branch-from': 'tag',
      distgit: 'https://github.com/rdo-packages/oslo-config-distgit.git',
      'distgit-branch': 'caracal-rdo',
      'distgit-branch-from': 'release',
      'distgit-path': null,
      component: 'common',
      maintainers: ['lib@example.org'],
      'buildsys-tags': { 'cloud9s-openstack-caracal-release': 'python-oslo-config-9.4.0-1.el9s' },
    });
  });

  it('prints a table, filtered by component and maintainer', async () => {
    const byComponent = await runFerry([
      'catalog',
      'list',
      '--component',
      'compute',
      '--catalog',
      BASIC_CATALOG,
    ]);
    const byMaintainer = await runFerry([
      'catalog',
      'list',
      '--maintainer',
      'deps@',
      '--catalog',
      BASIC_CATALOG,
    ]);
    const forRelease = await runFerry([
      'catalog',
      'list',
      '--release',
      'flamingo',
      '--catalog',
      BASIC_CATALOG,
    ]);

    expect(byComponent.stdout).toBe(
      'NAME            PROJECT  COMPONENT  MAINTAINERS\n' +
        'openstack-nova  nova     compute    nova@example.org,second@example.org\n',
    );
    expect(byMaintainer.stdout).toBe(
      'NAME        PROJECT     COMPONENT  MAINTAINERS\npython-six  python-six  common     deps@example.org\n',
    );
    expect(forRelease.stdout).toBe(
      'NAME                PROJECT      COMPONENT  SOURCE-BRANCH  DISTGIT-BRANCH\n' +
        'openstack-nova      nova         compute    master         rpm-master\n' +
        'python-oslo-config  oslo-config  common     main           rpm-master\n' +
        'puppet-nova         puppet-nova  compute    master         puppet-master\n',
    );
  });

  it('rejects an unknown tag with exit 2 and a suggestion', async () => {
    const run = await runFerry(['catalog', 'list', '--tag', 'flamigo', '--catalog', BASIC_CATALOG]);

    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      'error: unknown tag "flamigo" (did you mean flamingo?); tags in use: caracal, dependency, flamingo, flamingo-uc\n',
    );
  });

  it('refuses an invalid catalog, listing every error', async () => {
    const copy = await copyBasicCatalog();
    await copy.replace('rdo.yml', '  - nova@example.org', '  - nova-at-example.org');

    const run = await runFerry(['catalog', 'list', '--catalog', copy.dir]);

    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `error: catalog ${join(copy.dir, 'rdo-full.yml')} is invalid (1 error):\n` +
        `  ${await copy.at('rdo.yml', 'nova-at-example.org')} packages[0].maintainers[0]: not an e-mail address: "nova-at-example.org"\n`,
    );
  });
});

describe('ferry catalog info', () => {
  it('shows every effective field, like rdopkg info', async () => {
    const run = await runFerry(['catalog', 'info', 'puppet-nova', '--catalog', BASIC_CATALOG]);

    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      [
        `# catalog ${join(BASIC_CATALOG, 'rdo-full.yml')}`,
        `# puppet-nova (project puppet-nova), defined in ${await basicCatalogAt('rdo.yml', 'project: puppet-nova')}`,
        'name: puppet-nova',
        'master-distgit: https://github.com/rdo-packages/puppet-nova-distgit.git',
        'tags:',
        '  flamingo:',
        '    component: compute',
        '    distro-branch: puppet-master',
        'upstream: https://opendev.org/openstack/puppet-nova',
        'distgit: https://github.com/rdo-packages/puppet-nova-distgit.git',
        'review-origin: ssh://review.example.org:29418/openstack/puppet-nova-distgit.git',
        'component: puppet',
        'maintainers:',
        '  - core@example.org',
        'project: puppet-nova',
        'conf: core',
        '',
      ].join('\n'),
    );
  });

  it('finds a package by project, applies a release, and prints JSON as an array', async () => {
    const run = await runFerry([
      'catalog',
      'info',
      'puppet-nova',
      '--release',
      'flamingo',
      '--json',
      '--catalog',
      BASIC_CATALOG,
    ]);
    const entries = JSON.parse(run.stdout) as Json[];

    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      name: 'puppet-nova',
      component: 'compute',
      'distro-branch': 'puppet-master',
      effective: { release: 'flamingo', 'distgit-branch': 'puppet-master', 'distgit-branch-from': 'tag' },
    });
  });

  it('says when no package has that name, naming the catalog it searched (exit 2)', async () => {
    const run = await runFerry(['catalog', 'info', 'nov', '--catalog', BASIC_CATALOG]);

    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `error: no package or project named "nov" in the catalog ${join(BASIC_CATALOG, 'rdo-full.yml')} (did you mean openstack-nova, puppet-nova?)\n`,
    );
  });
});

describe.runIf(existsSync(join(RDOINFO, 'rdo-full.yml')))(
  'ferry catalog on the real rdoinfo snapshot',
  () => {
    it('validates with exit 0, the six warnings, and the notice on request', async () => {
      const run = await runFerry(['catalog', 'validate', '--catalog', RDOINFO]);
      const withNotices = await runFerry(['catalog', 'validate', '--notices', '--catalog', RDOINFO]);

      expect(run.code).toBe(0);
      expect(run.stdout.split('\n').filter((line) => line.startsWith('warning: '))).toHaveLength(6);
      expect(run.stdout).toContain(
        `catalog ${join(RDOINFO, 'rdo-full.yml')}: 1369 packages, 13 releases, 103 files: 0 errors, 6 warnings (1 notice: --notices shows them)\n`,
      );
      expect(withNotices.stdout).toContain(
        'notice: tags/antelope.yml:86:7 packages[23].tags.antelope.source_branch: ',
      );
    });

    it('shows both entries of python-cliff with their files', async () => {
      const run = await runFerry(['catalog', 'info', 'python-cliff', '--json', '--catalog', RDOINFO]);
      const entries = JSON.parse(run.stdout) as (Json & { 'defined-in': Json[] })[];

      expect(run.code).toBe(0);
      expect(entries.map((entry) => [entry.project, entry['defined-in'].map((at) => at.file)])).toEqual([
        ['cliff', ['rdo.yml']],
        ['python-cliff', ['deps.yml']],
      ]);
    });
  },
);

const rdoinfoPresent = existsSync(join(RDOINFO, 'rdo-full.yml'));

describe.skipIf(!rdoinfoPresent)(
  `ferry catalog validate on a copy of the real rdoinfo with one YAML syntax error${rdoinfoPresent ? '' : ' (skipped: ../shared/data absent)'}`,
  () => {
    it('prints the syntax error first and leaves out the 1,900 problems that follow from it', async () => {
      const dir = await tempDir('ferry-rdoinfo-broken-');
      await cp(RDOINFO, dir, { recursive: true });
      await chmod(join(dir, 'rdo.yml'), 0o644);
      const text = await readFile(join(dir, 'rdo.yml'), 'utf8');
      const entry = '- project: puppet-firewall\n  conf: rpmfactory-puppet\n';
      expect(text.split(entry)).toHaveLength(2);
      await writeFile(join(dir, 'rdo.yml'), text.replace(entry, entry.replace('conf: ', 'conf: [')));
      // The yaml package points at the next line, where the unclosed [ turns out to be unclosed.
      const next = text.slice(0, text.indexOf(entry) + entry.length).split('\n').length;

      const run = await runFerry(['catalog', 'validate', '--catalog', dir]);
      const lines = run.stdout.trimEnd().split('\n');

      expect(run.code).toBe(2);
      expect(lines[0]).toBe(
        `error: rdo.yml:${next}:3 YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]`,
      );
      expect(lines.filter((line) => line.startsWith('error: '))).toHaveLength(1);
      expect(lines.length).toBeLessThan(6);
      expect(lines.at(-2)).toMatch(
        /^\(\d{4} more problems that follow from the unreadable rdo\.yml not shown: fix it first\)$/,
      );
      expect(lines.at(-1)).toMatch(/: 1 error, 1 warning \(1 notice: --notices shows them\)$/);
    });
  },
);
