import { describe, expect, it } from 'vitest';

import { copyBasicCatalog, type CatalogCopy } from '../../test/helpers/catalog-fixture.js';
import { loadCatalog } from './load-catalog.js';
import { formatProblem } from './locate-problems.js';

/** Every problem of the catalog copy, as `validate` prints it. */
async function problems(copy: CatalogCopy): Promise<string[]> {
  const load = await loadCatalog(copy.dir);
  return load.problems.map((problem) => `${problem.severity}: ${formatProblem(problem)}`);
}

const UNKNOWN_TAG = "neither a release, a release's -uc variant, nor a declared tag";

describe('catalog validation', () => {
  it('accepts the basic catalog', async () => {
    const copy = await copyBasicCatalog();

    expect(await problems(copy)).toEqual([]);
  });

  it('catches a tag that is neither a release nor declared, and accepts -uc, conventional and file-declared tags', async () => {
    const copy = await copyBasicCatalog();
    await copy.replace(
      'tags/flamingo.yml',
      '    flamingo:\n      component',
      '    flamigo:\n      component',
    );
    await copy.replace('tags.yml', '- tags/flamingo-uc.yml', '- tags/flamingo-uc.yml\n- tags/gate.yml');
    await copy.write('tags/gate.yml', 'packages:\n- project: nova\n  tags:\n    gate:\n');
    await copy.replace(
      'tags/caracal.yml',
      '- project: nova\n  tags:\n    caracal:',
      '- project: nova\n  tags:\n    caracal:\n    caracal-uc:\n    dependency:\n    under-review:\n    version-locked:\n      caracal:',
    );

    expect(await problems(copy)).toEqual([
      `error: ${await copy.at('tags/flamingo.yml', 'flamigo:')} packages[2].tags.flamigo: unknown tag "flamigo": ${UNKNOWN_TAG} (did you mean flamingo?)`,
    ]);
  });

  it('reports missing, circular and escaping imports where they are written', async () => {
    const copy = await copyBasicCatalog();
    await copy.replace(
      'rdo-full.yml',
      '- buildsys-tags.yml',
      '- buildsys-tags.yml\n- missing.yml\n- ../outside.yml',
    );
    await copy.write(
      'tags/flamingo-uc.yml',
      `import:\n- rdo.yml\n${await copy.read('tags/flamingo-uc.yml')}`,
    );

    expect(await problems(copy)).toEqual([
      `error: ${await copy.at('rdo-full.yml', 'missing.yml')} import[4]: cannot read missing.yml: ENOENT`,
      `error: ${await copy.at('rdo-full.yml', '../outside.yml')} import[5]: import "../outside.yml" must be a path relative to the catalog root, without '..'`,
      `error: ${await copy.at('tags/flamingo-uc.yml', 'rdo.yml')} import[0]: circular import: rdo.yml -> tags.yml -> tags/flamingo-uc.yml -> rdo.yml`,
    ]);
  });

  it('reports a YAML syntax error first, with its position, and the independent problems after it', async () => {
    const copy = await copyBasicCatalog();
    await copy.write('tags/flamingo-uc.yml', 'packages:\n- project: oslo-config\n  tags: [flamingo-uc\n');
    await copy.replace('rdo.yml', '  - nova@example.org', '  - nova-at-example.org');

    const found = await problems(copy);

    expect(found).toHaveLength(2);
    expect(found[0]).toMatch(/^error: tags\/flamingo-uc\.yml:[34]:\d+ YAML syntax error: /);
    expect(found[1]).toBe(
      `error: ${await copy.at('rdo.yml', 'nova-at-example.org')} packages[0].maintainers[0]: not an e-mail address: "nova-at-example.org"`,
    );
  });

  it('reports an unknown template, suggesting the closest, and what the package then lacks', async () => {
    const copy = await copyBasicCatalog();
    await copy.replace('rdo.yml', '  conf: lib', '  conf: libb');
    const entry = await copy.at('rdo.yml', 'project: oslo-config');

    expect(await problems(copy)).toEqual([
      `error: ${entry} packages[1]: missing maintainers`,
      `error: ${entry} packages[1]: missing upstream`,
      `error: ${await copy.at('rdo.yml', 'conf: libb')} packages[1].conf: unknown template "libb" (not in package-configs) (did you mean lib?)`,
    ]);
  });

  it('points an invalid e-mail in a template at the template, once for all its packages', async () => {
    const copy = await copyBasicCatalog();
    await copy.replace('rdo.yml', '    - lib@example.org', '    - lib at example.org');
    await copy.replace(
      'rdo.yml',
      '- project: puppet-nova',
      '- project: oslo-log\n  conf: lib\n- project: puppet-nova',
    );

    expect(await problems(copy)).toEqual([
      `error: ${await copy.at('rdo.yml', 'lib at example.org')} package-configs.lib.maintainers[0]: not an e-mail address: "lib at example.org" (in 2 packages)`,
    ]);
  });

  it('requires maintainers, at least one', async () => {
    const copy = await copyBasicCatalog();
    await copy.replace('deps.yml', '    maintainers:\n    - deps@example.org\n', '');
    await copy.replace(
      'rdo.yml',
      '  maintainers:\n  - nova@example.org\n  - second@example.org',
      '  maintainers: []',
    );

    expect(await problems(copy)).toEqual([
      `error: ${await copy.at('rdo.yml', 'maintainers: []')} packages[0].maintainers: at least one maintainer is needed`,
      `error: ${await copy.at('deps.yml', 'project: python-six')} packages[0]: missing maintainers`,
    ]);
  });

  it('checks URLs after substitution, in entries and in templates', async () => {
    const copy = await copyBasicCatalog();
    await copy.replace(
      'rdo.yml',
      '  conf: core\n  maintainers:',
      '  conf: core\n  upstream: not a url\n  maintainers:',
    );
    await copy.replace(
      'rdo.yml',
      '    distgit: https://github.com/rdo-packages/%(project)s-distgit.git',
      '    distgit: github.com/rdo-packages/%(project)s-distgit.git',
    );

    expect(await problems(copy)).toEqual([
      `error: ${await copy.at('rdo.yml', 'distgit: github.com')} package-configs.core.distgit: distgit: not a URL: "github.com/rdo-packages/%(project)s-distgit.git" (in 2 packages)`,
      `error: ${await copy.at('rdo.yml', 'upstream: not a url')} packages[0].upstream: upstream: not a URL: "not a url"`,
    ]);
  });

  it('reports a substitution naming no field, once per template', async () => {
    const copy = await copyBasicCatalog();
    await copy.replace('rdo.yml', 'openstack/%(project)s-distgit.git', 'openstack/%(nmae)s-distgit.git');

    expect(await problems(copy)).toEqual([
      `error: ${await copy.at('rdo.yml', 'review-origin:')} package-configs.core.review-origin: cannot substitute "ssh://review.example.org:29418/openstack/%(nmae)s-distgit.git": no field 'nmae' to substitute (in 2 packages)`,
    ]);
  });

  it('warns about a name defined twice in different tags, and fails when a tag holds both', async () => {
    const warned = await copyBasicCatalog();
    await warned.replace(
      'deps.yml',
      '  conf: dependency\n',
      '  conf: dependency\n- project: nova-deps\n  name: openstack-nova\n  conf: dependency\n',
    );
    const failed = await copyBasicCatalog();
    await failed.replace(
      'deps.yml',
      '  conf: dependency\n',
      '  conf: dependency\n- project: nova-deps\n  name: openstack-nova\n  conf: dependency\n  tags:\n    caracal:\n',
    );
    const first = await warned.at('rdo.yml', 'project: nova');

    expect(await problems(warned)).toEqual([
      `warning: ${await warned.at('deps.yml', 'project: nova-deps')} packages[1]: package openstack-nova is defined twice, by project nova-deps here and by project nova at ${first}; they share no tag`,
    ]);
    expect(await problems(failed)).toEqual([
      `error: ${await failed.at('deps.yml', 'project: nova-deps')} packages[1]: package openstack-nova is defined twice, by project nova-deps here and by project nova at ${first}, both tagged caracal`,
    ]);
  });

  it('warns about a project listed twice (distroinfo merges the entries)', async () => {
    const copy = await copyBasicCatalog();
    await copy.write('deps.yml', `${await copy.read('deps.yml')}- project: python-six\n  conf: dependency\n`);

    expect(await problems(copy)).toEqual([
      `warning: ${await copy.at('deps.yml', 'project: python-six', 2)} packages[1]: project python-six is listed again (first at ${await copy.at('deps.yml', 'project: python-six')}); distroinfo merges the entries`,
    ]);
  });

  it('reports tags for a project no package defines', async () => {
    const copy = await copyBasicCatalog();
    await copy.write(
      'tags/caracal.yml',
      `${await copy.read('tags/caracal.yml')}- project: glance\n  tags:\n    caracal:\n`,
    );

    expect(await problems(copy)).toEqual([
      `error: ${await copy.at('tags/caracal.yml', 'project: glance')} packages[2]: missing maintainers`,
      `error: ${await copy.at('tags/caracal.yml', 'project: glance')} packages[2]: missing upstream`,
      `error: ${await copy.at('tags/caracal.yml', 'project: glance')} packages[2]: project glance has tags or build-system tags but no package defines it`,
    ]);
  });

  it('checks components, also when a tag overrides them', async () => {
    const copy = await copyBasicCatalog();
    await copy.replace('rdo.yml', '  component: puppet\n', '  component: puppett\n');
    await copy.replace('tags/flamingo.yml', '      component: compute', '      component: storage');

    expect(await problems(copy)).toEqual([
      `error: ${await copy.at('rdo.yml', 'component: puppett')} packages[2].component: unknown component "puppett" (not in components) (did you mean puppet?)`,
      `error: ${await copy.at('tags/flamingo.yml', 'component: storage')} packages[2].tags.flamingo.component: unknown component "storage" (not in components) (tag flamingo)`,
    ]);
  });

  it('checks build-system tags against the release repos, and wants an NVR', async () => {
    const copy = await copyBasicCatalog();
    const file = 'buildsys-tags/cloud9s-openstack-caracal-release.yml';
    await copy.replace(
      file,
      'cloud9s-openstack-caracal-release: openstack-nova',
      'cloud9s-openstack-caracal-releas: openstack-nova',
    );
    await copy.replace(
      file,
      'cloud9s-openstack-caracal-release: python-oslo-config-9.4.0-1.el9s',
      'cloud9s-openstack-caracal-release:',
    );

    expect(await problems(copy)).toEqual([
      `error: ${await copy.at(file, 'cloud9s-openstack-caracal-releas:')} packages[0].buildsys-tags.cloud9s-openstack-caracal-releas: build-system tag cloud9s-openstack-caracal-releas is not a buildsys-tag of any release repo (did you mean cloud9s-openstack-caracal-release?)`,
      `error: ${await copy.at(file, 'cloud9s-openstack-caracal-release:')} packages[1].buildsys-tags.cloud9s-openstack-caracal-release: build-system tag cloud9s-openstack-caracal-release needs the NVR built there, not null`,
    ]);
  });

  it("checks releases as rdoinfo's verify.py does", async () => {
    const copy = await copyBasicCatalog();
    await copy.replace('rdo.yml', '  status: maintained\n', '  status: development\n');
    await copy.replace('rdo.yml', '  branch: rpm-master\n', '');
    await copy.replace(
      'rdo.yml',
      'url: http://mirror.example.org/flamingo/',
      'url: mirror.example.org/flamingo',
    );

    expect(await problems(copy)).toEqual([
      `error: ${await copy.at('rdo.yml', 'name: el9s')} releases[0].repos[0]: repo el9s of release flamingo has no branch (nor has the release)`,
      `error: ${await copy.at('rdo.yml', 'url: mirror')} releases[0].repos[0].distrepos[0].url: url: not a URL: "mirror.example.org/flamingo"`,
      `error: ${await copy.at('rdo.yml', 'status: development', 2)} releases[1].status: release caracal is in development, and so is flamingo at ${await copy.at('rdo.yml', 'name: flamingo')}: only one may be`,
    ]);
  });

  it('wants a release status from the allowed list', async () => {
    const copy = await copyBasicCatalog();
    await copy.replace('rdo.yml', '  status: maintained\n', '  status: retired\n');
    await copy.replace('rdo.yml', '  status: development\n', '');

    expect(await problems(copy)).toEqual([
      `error: ${await copy.at('rdo.yml', 'name: flamingo')} releases[0]: release flamingo has no status (development, maintained, extended_maintenance, eol)`,
      `error: ${await copy.at('rdo.yml', 'status: retired')} releases[1].status: status "retired" is not one of development, maintained, extended_maintenance, eol`,
    ]);
  });

  it('needs a releases section', async () => {
    const copy = await copyBasicCatalog();
    const text = await copy.read('rdo.yml');
    await copy.write(
      'rdo.yml',
      text.slice(0, text.indexOf('releases:')) + text.slice(text.indexOf('package-default:')),
    );

    expect(await problems(copy)).toEqual(['error: rdo-full.yml:1:1 no releases section in the catalog']);
  });

  it('checks value types and names that become paths', async () => {
    const copy = await copyBasicCatalog();
    await copy.replace('rdo.yml', '  source-branch: main', '  source-branch: 1.10');
    await copy.replace('rdo.yml', '  name: puppet-nova', '  name: puppet/nova');
    await copy.replace('deps.yml', '    tags:\n      dependency:\n', '    tags: [dependency]\n');

    expect(await problems(copy)).toEqual([
      `error: ${await copy.at('rdo.yml', 'source-branch: 1.10')} packages[1].source-branch: source-branch must be a string, not number 1.1`,
      `error: ${await copy.at('rdo.yml', 'name: puppet/nova')} packages[2].name: name "puppet/nova" cannot name a directory: use letters, digits, '.', '_', '+', '-'`,
      `error: ${await copy.at('deps.yml', 'tags: [dependency]')} package-configs.dependency.tags: tags must be a mapping of tag names to settings`,
    ]);
  });

  it('notes a misspelt field and a duplicated YAML key without failing', async () => {
    const copy = await copyBasicCatalog();
    await copy.replace('tags/caracal.yml', 'source-branch: 9.4.0', 'source_branch: 9.4.0');
    await copy.replace(
      'rdo.yml',
      '- project: nova\n  conf: core\n',
      '- project: nova\n  conf: core\n  conf: core\n',
    );
    const load = await loadCatalog(copy.dir);

    expect(load.valid).toBe(true);
    expect(load.problems.map((problem) => `${problem.severity}: ${formatProblem(problem)}`)).toEqual([
      `warning: ${await copy.at('rdo.yml', 'conf: core', 2)} duplicated mapping key: the last value is used`,
      `notice: ${await copy.at('tags/caracal.yml', 'source_branch')} packages[1].tags.caracal.source_branch: source_branch is not a field; did you mean source-branch? (ignored) (tag caracal)`,
    ]);
  });
});
