import { join } from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import { BASIC_CATALOG } from '../../test/helpers/catalog-fixture.js';
import type { Catalog } from './catalog-model.js';
import { applyTag, findPackages, releaseOfTag, releasePackages, selectPackages } from './catalog-query.js';
import { loadCatalog, readCatalog } from './load-catalog.js';

let catalog: Catalog;

beforeAll(async () => {
  catalog = await readCatalog(BASIC_CATALOG);
});

describe('loading the basic catalog', () => {
  it('finds the entry file of a checkout, follows imports and reads every file once', () => {
    expect(catalog.entryFile).toBe('rdo-full.yml');
    expect(catalog.root).toBe(BASIC_CATALOG);
    expect(catalog.files).toEqual([
      'rdo-full.yml',
      'rdo.yml',
      'tags.yml',
      'tags/caracal.yml',
      'tags/flamingo.yml',
      'tags/flamingo-uc.yml',
      'deps.yml',
      'buildsys-tags.yml',
      'buildsys-tags/cloud9s-openstack-caracal-release.yml',
      'buildsys-tags/cloud9s-openstack-flamingo-testing.yml',
    ]);
    expect(catalog.problems).toEqual([]);
  });

  it('loads the same catalog from its entry file', async () => {
    const load = await loadCatalog(join(BASIC_CATALOG, 'rdo-full.yml'));

    expect(load.valid).toBe(true);
    expect(load.catalog.packages.map((pkg) => pkg.name)).toEqual(catalog.packages.map((pkg) => pkg.name));
  });

  it('expands package-default, the template and the entry, in that order, then substitutes', () => {
    const [nova] = findPackages(catalog, 'openstack-nova');

    expect(nova!.fields).toEqual({
      name: 'openstack-nova',
      'master-distgit': 'https://github.com/rdo-packages/nova-distgit.git',
      tags: { caracal: null, flamingo: null },
      upstream: 'https://opendev.org/openstack/nova',
      distgit: 'https://github.com/rdo-packages/nova-distgit.git',
      'review-origin': 'ssh://review.example.org:29418/openstack/nova-distgit.git',
      component: 'compute',
      maintainers: ['nova@example.org', 'second@example.org'],
      project: 'nova',
      conf: 'core',
      'buildsys-tags': {
        'cloud9s-openstack-caracal-release': 'openstack-nova-29.0.0-1.el9s',
        'cloud9s-openstack-flamingo-testing': 'openstack-nova-32.0.0-0.1.el9s',
      },
    });
    expect(Object.keys(nova!.fields)).toEqual([
      'name',
      'master-distgit',
      'tags',
      'upstream',
      'distgit',
      'review-origin',
      'component',
      'maintainers',
      'project',
      'conf',
      'buildsys-tags',
    ]);
    expect(nova!.definedIn).toEqual([{ file: 'rdo.yml', path: ['packages', 0] }]);
  });

  it('takes the name from package-default when neither template nor entry sets one', () => {
    const [oslo] = findPackages(catalog, 'oslo-config');

    expect(oslo!.name).toBe('python-oslo-config');
    expect(oslo!.sourceBranch).toBe('main');
    expect(oslo!.maintainers).toEqual(['lib@example.org']);
  });

  it("replaces package-default's tags with the tags of the tag files (distroinfo's shallow update)", () => {
    const [puppet] = findPackages(catalog, 'puppet-nova');
    const [six] = findPackages(catalog, 'python-six');

    expect(puppet!.tags).toEqual({ flamingo: { component: 'compute', 'distro-branch': 'puppet-master' } });
    expect(puppet!.component).toBe('puppet');
    expect(six!.tags).toEqual({ dependency: null });
    expect(six!.fields.patches).toBeNull();
  });

  it('applies a tag: its overrides win over the package', () => {
    const [puppet] = findPackages(catalog, 'puppet-nova');

    const tagged = applyTag(catalog, puppet!, 'flamingo');

    expect(tagged.component).toBe('compute');
    expect(tagged.distroBranch).toBe('puppet-master');
    expect(tagged.appliedTag).toBe('flamingo');
    expect(tagged.fields.component).toBe('compute');
  });

  it('gives releases their repos with branches filled in from the release', () => {
    const caracal = catalog.releases.find((release) => release.name === 'caracal')!;

    expect(catalog.releases.map((release) => release.name)).toEqual(['flamingo', 'caracal']);
    expect(caracal.repos.map((repo) => [repo.name, repo.branch, repo.buildsysTags])).toEqual([
      ['el9s', 'caracal-rdo', ['cloud9s-openstack-caracal-candidate', 'cloud9s-openstack-caracal-release']],
      ['el10s', 'caracal-el10-rdo', ['cloud10s-openstack-caracal-candidate']],
    ]);
    expect(caracal.fields.repos).toEqual([
      {
        name: 'el9s',
        buildsys: 'cbs/cloud9s-openstack-caracal-el9s',
        'buildsys-tags': ['cloud9s-openstack-caracal-candidate', 'cloud9s-openstack-caracal-release'],
        branch: 'caracal-rdo',
      },
      {
        name: 'el10s',
        branch: 'caracal-el10-rdo',
        'buildsys-tags': ['cloud10s-openstack-caracal-candidate'],
      },
    ]);
    expect(catalog.components).toEqual(['compute', 'common', 'puppet']);
  });

  it('knows the tags a package may carry', () => {
    expect([...catalog.knownTags].sort()).toEqual([
      'build-tags-only',
      'caracal',
      'caracal-py3-uc',
      'caracal-uc',
      'dependency',
      'flamingo',
      'flamingo-py3-uc',
      'flamingo-uc',
      'under-review',
      'version-locked',
    ]);
  });
});

describe('selecting packages', () => {
  it('selects a tag and applies its overrides', () => {
    const selected = selectPackages(catalog, { tag: 'flamingo' });

    expect(selected.map((pkg) => [pkg.name, pkg.component, pkg.appliedTag])).toEqual([
      ['openstack-nova', 'compute', 'flamingo'],
      ['python-oslo-config', 'common', 'flamingo'],
      ['puppet-nova', 'compute', 'flamingo'],
    ]);
  });

  it('filters on the effective component and on maintainers', () => {
    expect(selectPackages(catalog, { component: 'puppet' }).map((pkg) => pkg.name)).toEqual(['puppet-nova']);
    expect(
      selectPackages(catalog, { release: 'flamingo', component: 'compute' }).map((pkg) => pkg.name),
    ).toEqual(['openstack-nova', 'puppet-nova']);
    expect(selectPackages(catalog, { maintainer: 'NOVA@' }).map((pkg) => pkg.name)).toEqual([
      'openstack-nova',
    ]);
  });

  it('refuses unknown tags and releases, suggesting the closest', () => {
    expect(() => selectPackages(catalog, { tag: 'flamigo' })).toThrow(
      /unknown tag "flamigo" \(did you mean flamingo\?\)/,
    );
    expect(() => selectPackages(catalog, { release: 'carcal' })).toThrow(
      /unknown release "carcal" \(did you mean caracal\?\)/,
    );
  });

  it('finds a package by project when no name matches', () => {
    expect(findPackages(catalog, 'nova').map((pkg) => pkg.name)).toEqual(['openstack-nova']);
    expect(findPackages(catalog, 'nothing')).toEqual([]);
  });
});

describe('releasePackages', () => {
  it('resolves what the trunk chaser needs for a stable release', () => {
    const packages = releasePackages(catalog, { release: 'caracal' });

    expect(packages.map(({ package: _pkg, ...rest }) => rest)).toEqual([
      {
        name: 'openstack-nova',
        project: 'nova',
        release: 'caracal',
        tag: 'caracal',
        upstream: 'https://opendev.org/openstack/nova',
        sourceBranch: 'stable/2024.1',
        sourceBranchFrom: 'release',
        distgit: 'https://github.com/rdo-packages/nova-distgit.git',
        distgitBranch: 'caracal-rdo',
        distgitBranchFrom: 'release',
        distgitPath: undefined,
        component: 'compute',
        maintainers: ['nova@example.org', 'second@example.org'],
        buildsysTags: { 'cloud9s-openstack-caracal-release': 'openstack-nova-29.0.0-1.el9s' },
      },
      {
        name: 'python-oslo-config',
        project: 'oslo-config',
        release: 'caracal',
        tag: 'caracal',
        upstream: 'https://opendev.org/openstack/oslo-config',
        sourceBranch: '9.4.0',
        sourceBranchFrom: 'tag',
        distgit: 'https://github.com/rdo-packages/oslo-config-distgit.git',
        distgitBranch: 'caracal-rdo',
        distgitBranchFrom: 'release',
        distgitPath: undefined,
        component: 'common',
        maintainers: ['lib@example.org'],
        buildsysTags: { 'cloud9s-openstack-caracal-release': 'python-oslo-config-9.4.0-1.el9s' },
      },
    ]);
  });

  it('maps a -uc tag to its release, and takes branches from the tag, the package or the release', () => {
    const uc = releasePackages(catalog, { tag: 'flamingo-uc' });
    const trunk = releasePackages(catalog, { release: 'flamingo' });

    expect(releaseOfTag(catalog, 'flamingo-uc')?.name).toBe('flamingo');
    expect(uc.map((p) => [p.name, p.release, p.sourceBranch, p.sourceBranchFrom])).toEqual([
      ['python-oslo-config', 'flamingo', '9.8.0', 'tag'],
    ]);
    expect(
      trunk.map((p) => [p.name, p.sourceBranch, p.sourceBranchFrom, p.distgitBranch, p.distgitBranchFrom]),
    ).toEqual([
      ['openstack-nova', 'master', 'release', 'rpm-master', 'release'],
      ['python-oslo-config', 'main', 'package', 'rpm-master', 'release'],
      ['puppet-nova', 'master', 'release', 'puppet-master', 'tag'],
    ]);
  });

  it('falls back to DLRN defaults for a tag outside any release', () => {
    const deps = releasePackages(catalog, { tag: 'dependency' });

    expect(
      deps.map((p) => [p.name, p.release, p.sourceBranch, p.sourceBranchFrom, p.distgit, p.distgitBranch]),
    ).toEqual([
      [
        'python-six',
        undefined,
        'master',
        'default',
        'https://review.example.org/deps/python-six.git',
        'rpm-master',
      ],
    ]);
  });
});
