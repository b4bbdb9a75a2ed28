import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import { RDOINFO } from '../../test/helpers/catalog-fixture.js';
import type { CatalogPackage } from './catalog-model.js';
import { applyTag, findPackages, releasePackages, selectPackages, tagsInUse } from './catalog-query.js';
import { loadCatalog, type CatalogLoad } from './load-catalog.js';
import { formatProblem } from './locate-problems.js';

/**
 * The real rdoinfo snapshot (../shared/data/rdoinfo, see its SOURCES.md).
 * Expected values are read from the files' text with plain searches, not
 * through the catalog code.
 */
const present = existsSync(join(RDOINFO, 'rdo-full.yml'));

function text(file: string): string {
  return readFileSync(join(RDOINFO, file), 'utf8');
}

/** `file:line:column` of a `- project: NAME` entry, found by searching the text. */
function entryAt(file: string, project: string, occurrence = 1): string {
  const lines = text(file).split('\n');
  let seen = 0;
  const index = lines.findIndex((line) => line === `- project: ${project}` && ++seen === occurrence);
  if (index < 0) throw new Error(`${project} not in ${file}`);
  return `${file}:${index + 1}:3`;
}

/** Index of the `occurrence`-th `- project: NAME` entry in a file's packages list, by text search. */
function entryIndex(file: string, project: string, occurrence = 1): number {
  const entries = [...text(file).matchAll(/^- project: (\S+)$/gm)].map((m) => m[1]);
  let seen = 0;
  return entries.findIndex((name) => name === project && ++seen === occurrence);
}

/** A field (`branch`, `upstream_branch`) of a release in rdo.yml, by text search. */
function releaseField(release: string, key: string): string {
  const source = text('rdo.yml');
  const block = source.slice(source.indexOf(`- name: ${release}\n`));
  return new RegExp(`\n  ${key}: "?([^"\n]+)"?`).exec(block)![1]!;
}

/** The value of `key:` in the entry of `project` in a file, by text search. */
function entryValue(file: string, project: string, key: string): string | undefined {
  const source = text(file);
  const start = source.indexOf(`\n- project: ${project}\n`);
  if (start < 0) return undefined;
  const end = source.indexOf('\n- ', start + 1);
  const entry = source.slice(start, end < 0 ? undefined : end);
  return new RegExp(`\\n\\s*${key}: (\\S+)`).exec(entry)?.[1];
}

describe.runIf(present)('the real rdoinfo snapshot', () => {
  let load: CatalogLoad;
  const one = (name: string): CatalogPackage => {
    const found = findPackages(load.catalog, name);
    expect(found, name).toHaveLength(1);
    return found[0]!;
  };

  beforeAll(async () => {
    load = await loadCatalog(RDOINFO);
  });

  it('has the expected packages, releases, components, tags and files', () => {
    const { catalog } = load;
    const releaseNames = [...text('rdo.yml').matchAll(/^- name: (\S+)\n {2}status:/gm)].map((m) => m[1]);
    const tagFiles = readdirSync(join(RDOINFO, 'tags')).length;
    const buildsysFiles = readdirSync(join(RDOINFO, 'buildsys-tags')).length;

    expect(catalog.packages).toHaveLength(1369);
    expect(catalog.releases.map((release) => release.name)).toEqual(releaseNames);
    expect(catalog.releases).toHaveLength(13);
    expect(catalog.components).toHaveLength(22);
    expect(catalog.files).toHaveLength(5 + tagFiles + buildsysFiles);
    expect(catalog.files).toHaveLength(103);
    expect([...tagsInUse(catalog)].sort()).toEqual([
      'antelope',
      'bobcat',
      'caracal',
      'dalmatian',
      'dependency',
      'epoxy',
      'flamingo',
      'flamingo-uc',
      'train',
      'under-review',
      'ussuri',
      'ussuri-uc',
      'version-locked',
      'victoria',
      'wallaby',
      'xena',
      'yoga',
      'zed',
    ]);
    expect(selectPackages(catalog, { tag: 'version-locked' })).toHaveLength(
      (text('tags/version-locked.yml').match(/^- project:/gm) ?? []).length,
    );
  });

  it('validates with warnings only: the 5 names defined twice and the project listed twice', () => {
    const lines = load.problems
      .filter((problem) => problem.severity !== 'notice')
      .map((problem) => `${problem.severity}: ${formatProblem(problem)}`);
    const twice = (name: string, rdoProject: string) =>
      `warning: ${entryAt('deps.yml', name)} packages[${entryIndex('deps.yml', name)}]: package ${name} is defined twice, by project ${name} here and by project ${rdoProject} at ${entryAt('rdo.yml', rdoProject)}; they share no tag`;

    expect(load.valid).toBe(true);
    expect(lines).toEqual([
      twice('python-stevedore', 'stevedore'),
      twice('python-cliff', 'cliff'),
      twice('python-mox3', 'mox3'),
      twice('python-oslotest', 'oslotest'),
      twice('python-debtcollector', 'debtcollector'),
      `warning: ${entryAt('deps.yml', 'python-markupsafe', 2)} packages[${entryIndex('deps.yml', 'python-markupsafe', 2)}]: project python-markupsafe is listed again (first at ${entryAt('deps.yml', 'python-markupsafe')}); distroinfo merges the entries`,
    ]);
  });

  it('notices the source_branch typo in tags/antelope.yml', () => {
    const notices = load.problems.filter((problem) => problem.severity === 'notice');

    expect(notices.map(formatProblem)).toEqual([
      `tags/antelope.yml:86:7 packages[23].tags.antelope.source_branch: source_branch is not a field; did you mean source-branch? (ignored) (tag antelope)`,
    ]);
    expect(text('tags/antelope.yml').split('\n')[85]).toBe('      source_branch: master');
  });

  it('expands templates: nova from rpmfactory-core with its own maintainers and component', () => {
    const nova = one('openstack-nova');

    expect(nova.project).toBe('nova');
    expect(nova.conf).toBe('rpmfactory-core');
    expect(nova.upstream).toBe('https://opendev.org/openstack/nova');
    expect(nova.masterDistgit).toBe('https://github.com/rdo-packages/nova-distgit.git');
    expect(nova.fields['review-origin']).toBe('ssh://review.rdoproject.org:29418/openstack/nova-distgit.git');
    expect(nova.component).toBe(entryValue('rdo.yml', 'nova', 'component'));
    expect(nova.maintainers).toEqual(['sbauza@redhat.com', 'gibi@redhat.com']);
    expect(nova.buildsysTags['cloud9s-openstack-caracal-release']).toBe(
      entryValue(
        'buildsys-tags/cloud9s-openstack-caracal-release.yml',
        'nova',
        'cloud9s-openstack-caracal-release',
      ),
    );
  });

  it('expands the rpm-packaging template with distgit-path and distro-branch', () => {
    const macros = one('openstack-macros');

    expect(macros.fields).toMatchObject({
      upstream: 'https://github.com/javierpena/openstack-macros',
      distgit: 'https://opendev.org/openstack/rpm-packaging',
      'distgit-path': '/openstack/openstack-macros',
      'distro-branch': 'master',
    });
  });

  it('applies tag overrides: puppet-apache in caracal', () => {
    const apache = one('puppet-apache');
    const [caracal] = releasePackages(load.catalog, { release: 'caracal' }).filter(
      (pkg) => pkg.project === 'puppet-apache',
    );
    const tagged = text('tags/caracal.yml');
    const block = tagged.slice(tagged.indexOf('- project: puppet-apache\n'));
    const override = /caracal:\n((?: {6}.*\n)+)/.exec(block)![1]!;

    expect(apache.component).toBe('tripleo');
    expect(apache.sourceBranch).toBe('main');
    expect(override).toContain(`source-branch: ${caracal!.sourceBranch}`);
    expect(override).toContain(`component: ${caracal!.component}`);
    expect(caracal).toMatchObject({
      sourceBranchFrom: 'tag',
      distgitBranch: releaseField('caracal', 'branch'),
      distgitBranchFrom: 'release',
      upstream: 'https://github.com/puppetlabs/puppetlabs-apache',
    });
    expect(Object.keys(caracal!.buildsysTags).sort()).toEqual([
      'cloud9s-openstack-caracal-release',
      'cloud9s-openstack-caracal-testing',
    ]);
  });

  it("falls back to the release's upstream branch, and ignores the misspelt source_branch", () => {
    const antelope = releasePackages(load.catalog, { release: 'antelope' });
    const plugin = antelope.find((pkg) => pkg.project === 'cloudkitty-tempest-plugin')!;
    const nova = antelope.find((pkg) => pkg.project === 'nova')!;

    expect([plugin.sourceBranch, plugin.sourceBranchFrom]).toEqual([
      releaseField('antelope', 'upstream_branch'),
      'release',
    ]);
    expect([nova.sourceBranch, nova.distgitBranch]).toEqual([
      releaseField('antelope', 'upstream_branch'),
      releaseField('antelope', 'branch'),
    ]);
    expect(
      applyTag(load.catalog, one('python-cloudkitty-tests-tempest'), 'antelope').fields.source_branch,
    ).toBe('master');
  });

  it('maps flamingo-uc to the flamingo release', () => {
    const uc = releasePackages(load.catalog, { tag: 'flamingo-uc' });

    expect(uc).toHaveLength((text('tags/flamingo-uc.yml').match(/^- project:/gm) ?? []).length);
    expect(new Set(uc.map((pkg) => pkg.release))).toEqual(new Set(['flamingo']));
    expect(uc.find((pkg) => pkg.project === 'cliff')?.sourceBranch).toBe('4.10.0');
  });

  it('shows both entries of a name defined twice, with their files', () => {
    const cliff = findPackages(load.catalog, 'python-cliff');
    const markupsafe = findPackages(load.catalog, 'python-markupsafe');

    expect(cliff.map((pkg) => [pkg.project, pkg.conf, pkg.definedIn])).toEqual([
      ['cliff', 'rpmfactory-lib', [{ file: 'rdo.yml', path: ['packages', entryIndex('rdo.yml', 'cliff')] }]],
      [
        'python-cliff',
        'fedora-dependency',
        [{ file: 'deps.yml', path: ['packages', entryIndex('deps.yml', 'python-cliff')] }],
      ],
    ]);
    expect(markupsafe).toHaveLength(1);
    expect(markupsafe[0]!.definedIn).toEqual([
      { file: 'deps.yml', path: ['packages', entryIndex('deps.yml', 'python-markupsafe')] },
      { file: 'deps.yml', path: ['packages', entryIndex('deps.yml', 'python-markupsafe', 2)] },
    ]);
  });
});

if (!present) {
  describe('the real rdoinfo snapshot', () => {
    it('is absent: its tests are skipped', () => {
      console.log(`skipped: ${RDOINFO} is absent (real rdoinfo snapshot), its tests did not run`);
    });
  });
}
