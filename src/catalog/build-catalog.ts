import { basename, extname } from 'node:path';

import type {
  Catalog,
  CatalogPackage,
  ProblemRef,
  Release,
  SourceRef,
  TagSettings,
  YamlMap,
} from './catalog-model.js';
import { buildReleases } from './build-releases.js';
import { ProblemList } from './problem-list.js';
import {
  CATALOG_SUBSTITUTION_BUDGET,
  expandPackage,
  expandTagOverrides,
  type Expansion,
  type SubstitutionBudget,
  type Templates,
} from './expand-package.js';
import { mergeInfos, type MergedInfo } from './merge-infos.js';
import { CATALOG_LIMITS, type CatalogSources } from './read-catalog-files.js';
import { checkPackage, checkTemplateTags, type RuleContext } from './validate-package.js';
import { isYamlList, isYamlMap, scalarText } from './yaml-parse.js';

/**
 * Tags rdoinfo and DLRN use without a tag file: `dependency` marks packages
 * RDO rebuilds as dependencies (deps.yml's templates), `build-tags-only`
 * makes DLRN build only upstream tags; `under-review` and `version-locked`
 * have tag files in rdoinfo but are conventions of the format.
 */
export const CONVENTIONAL_TAGS = ['dependency', 'under-review', 'version-locked', 'build-tags-only'] as const;

/** Variants of a release tag: upper-constraints pins (`caracal-uc`), and the Python 3 ones of old releases. */
export const RELEASE_TAG_SUFFIXES = ['-uc', '-py3-uc'] as const;

/** The pure part of loading: merged files -> packages, releases, and every problem (not yet located). */
export interface BuiltCatalog {
  readonly catalog: Omit<Catalog, 'problems'>;
  readonly problems: readonly ProblemRef[];
}

interface Built {
  readonly expansion: Expansion;
  readonly pkg: CatalogPackage;
  readonly entryRef: SourceRef;
}

function asString(value: YamlMap[string] | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** A package record from expanded fields. */
export function toCatalogPackage(
  fields: YamlMap,
  definedIn: readonly SourceRef[],
  appliedTag: string | undefined,
): CatalogPackage {
  const tags = fields.tags;
  const buildsysTags = fields['buildsys-tags'];
  const maintainers = fields.maintainers;
  return {
    name: scalarText(fields.name),
    project: scalarText(fields.project),
    conf: asString(fields.conf),
    upstream:
      asString(fields.upstream) ?? (isYamlList(fields.upstream) ? asString(fields.upstream[0]) : undefined),
    distgit: asString(fields.distgit),
    masterDistgit: asString(fields['master-distgit']),
    distgitPath: asString(fields['distgit-path']),
    component: asString(fields.component),
    maintainers: isYamlList(maintainers) ? maintainers.filter((m): m is string => typeof m === 'string') : [],
    sourceBranch: asString(fields['source-branch']),
    distroBranch: asString(fields['distro-branch']),
    tags: isYamlMap(tags) ? (tags as { readonly [tag: string]: TagSettings }) : {},
    buildsysTags: isYamlMap(buildsysTags) ? (buildsysTags as { readonly [tag: string]: string | null }) : {},
    appliedTag,
    fields,
    definedIn,
  };
}

function declaredTags(merged: MergedInfo, releases: readonly Release[]): Set<string> {
  const known = new Set<string>(CONVENTIONAL_TAGS);
  for (const release of releases) {
    known.add(release.name);
    for (const suffix of RELEASE_TAG_SUFFIXES) known.add(release.name + suffix);
  }
  // A tag file (tags/<tag>.yml, packages with only tags) declares its tag.
  for (const file of merged.tagFiles) known.add(basename(file, extname(file)));
  return known;
}

/**
 * Tag settings that cannot hold a problem: only branches and a known
 * component, as plain strings. Most of rdoinfo's ~3,000 overrides are these,
 * and skipping the full check of them is the same as finding nothing.
 */
function plainOverrides(settings: TagSettings | undefined, ctx: RuleContext): boolean {
  if (!isYamlMap(settings)) return true;
  for (const key in settings) {
    const value = settings[key];
    if (typeof value !== 'string' || value.includes('%')) return false;
    if (key === 'component') {
      if (ctx.components && !ctx.components.has(value)) return false;
    } else if (key !== 'source-branch' && key !== 'distro-branch') {
      return false;
    }
  }
  return true;
}

function checkDuplicates(built: readonly Built[], problems: ProblemRef[]): void {
  const byName = new Map<string, Built[]>();
  for (const entry of built) {
    // A package without a name has its own error (missing name); nameless ones are not one package.
    if (entry.pkg.fields.name === undefined || entry.pkg.fields.name === null) continue;
    const list = byName.get(entry.pkg.name);
    if (list) list.push(entry);
    else byName.set(entry.pkg.name, [entry]);
  }
  for (const [name, list] of byName) {
    const first = list[0]!;
    for (const other of list.slice(1)) {
      const shared = Object.keys(other.pkg.tags).filter((tag) => tag in first.pkg.tags);
      const both = `by project ${other.pkg.project} here and by project ${first.pkg.project} at {0}`;
      problems.push(
        shared.length > 0
          ? {
              severity: 'error',
              code: 'duplicate-name',
              at: other.entryRef,
              message: `package ${name} is defined twice, ${both}, both tagged ${shared.join(', ')}`,
              related: [first.entryRef],
            }
          : {
              severity: 'warning',
              code: 'duplicate-name',
              at: other.entryRef,
              message: `package ${name} is defined twice, ${both}; they share no tag`,
              related: [first.entryRef],
            },
      );
    }
  }
}

/** Past CATALOG_LIMITS.maxPackages, one error at the first package past it, and no package is expanded. */
function tooManyPackages(merged: MergedInfo, problems: ProblemRef[]): boolean {
  const limit = CATALOG_LIMITS.maxPackages;
  if (merged.projects.size <= limit) return false;
  let index = 0;
  for (const item of merged.projects.values()) {
    if (index++ < limit) continue;
    problems.push({
      severity: 'error',
      code: 'yaml-limit',
      at: item.first,
      message: `the catalog defines ${merged.projects.size} packages, more than ${limit}: none is checked`,
    });
    break;
  }
  return true;
}

/** Builds the catalog from its files: merge, expand, check. Pure. */
export function buildCatalog(sources: CatalogSources): BuiltCatalog {
  const merged = mergeInfos(sources);
  const problems = new ProblemList();
  problems.absorb(sources.problems);
  problems.absorb(merged.problems);
  if (!merged.hasReleasesSection) {
    problems.push({
      severity: 'error',
      code: 'missing-section',
      at: { file: sources.entryFile, path: [] },
      message: 'no releases section in the catalog',
    });
  }
  if (!merged.hasPackagesSection) {
    problems.push({
      severity: 'error',
      code: 'missing-section',
      at: { file: sources.entryFile, path: [] },
      message: 'no packages section in the catalog',
    });
  }
  const releases = buildReleases(merged, problems);
  const knownTags = declaredTags(merged, releases);
  const buildsysTags = new Set<string>(['version-locked']);
  for (const release of releases)
    for (const repo of release.repos) for (const tag of repo.buildsysTags) buildsysTags.add(tag);
  const components = merged.components.map((component) => component.name);
  const ctx: RuleContext = {
    merged,
    knownTags,
    buildsysTags,
    components: merged.components.length > 0 ? new Set(components) : undefined,
    problems,
  };
  checkTemplateTags(ctx);

  const templates: Templates = {
    packageDefault: merged.packageDefault,
    packageConfigs: merged.packageConfigs,
  };
  const built: Built[] = [];
  const budget: SubstitutionBudget = { remaining: CATALOG_SUBSTITUTION_BUDGET };
  const tooMany = tooManyPackages(merged, problems);
  for (const [project, item] of tooMany ? [] : merged.projects) {
    const definedIn = item.definitions;
    const entryRef = definedIn[0] ?? item.first;
    if (definedIn.length === 0) {
      problems.push({
        severity: 'error',
        code: 'undefined-project',
        at: entryRef,
        message: `project ${project} has tags or build-system tags but no package defines it`,
      });
    }
    for (const duplicate of definedIn.slice(1)) {
      problems.push({
        severity: 'warning',
        code: 'duplicate-project',
        at: duplicate,
        message: `project ${project} is listed again (first at {0}); distroinfo merges the entries`,
        related: [definedIn[0]!],
      });
    }
    const expansion = expandPackage(item.value, templates, undefined, budget);
    checkPackage(ctx, project, item, expansion, undefined, entryRef);
    const pkg = toCatalogPackage(expansion.fields, definedIn, undefined);
    built.push({ expansion, pkg, entryRef });
    for (const tag of Object.keys(pkg.tags)) {
      if (plainOverrides(pkg.tags[tag], ctx)) continue;
      const tagged = expandTagOverrides(expansion, tag, budget);
      if (tagged) checkPackage(ctx, project, item, tagged, tag, entryRef);
    }
  }
  checkDuplicates(built, problems);

  return {
    catalog: {
      root: sources.root,
      entryFile: sources.entryFile,
      files: [...sources.files.keys()],
      releases,
      components,
      packages: built.map((entry) => entry.pkg),
      knownTags: [...knownTags],
      buildsysTags: [...buildsysTags],
      templates: {
        packageDefault: merged.packageDefault,
        packageConfigs: merged.packageConfigs,
        entries: new Map([...merged.projects].map(([project, item]) => [project, item.value])),
      },
    },
    problems,
  };
}
