import type { ProblemRef, SourceRef, YamlMap, YamlPath, YamlValue } from './catalog-model.js';
import type { CatalogSources } from './read-catalog-files.js';
import { ProblemList } from './problem-list.js';
import { InPlaceMerger, pyMerge, type Owned } from './py-merge.js';
import { quoteValue } from './quote-value.js';
import { isYamlList, isYamlMap } from './yaml-parse.js';

/**
 * distroinfo's merge of the files of a catalog (parse.merge_infos): in each
 * file, `packages` become a dict by `project` and `releases` a dict by
 * `name` (duplicates in one file merged); then files are merged in order,
 * recursively: mappings key by key, lists concatenated, a null never
 * replacing a value, anything else replaced by the later value.
 */

/** One piece of a merged value: where it was written and what it held. */
export interface Contribution {
  readonly file: string;
  /** Path of `value` in its file, e.g. `['packages', 12]`. */
  readonly base: YamlPath;
  readonly value: YamlValue;
}

/** A package or release after merging, with the entries it was merged from (in merge order). */
export interface MergedItem {
  readonly value: YamlMap;
  readonly parts: readonly Contribution[];
}

/**
 * A package after merging. Its entries (`partsOf`) are only listed when a
 * problem needs them: rdoinfo has ~34,000 package entries, 28,000 of them
 * build-system tags.
 */
export interface MergedProject {
  readonly value: YamlMap;
  /** Entries defining it (not in tag or build-system-tag files), each once. */
  readonly definitions: readonly SourceRef[];
  /** First entry of any kind. */
  readonly first: SourceRef;
}

export interface MergedInfo {
  readonly packageDefault: YamlMap;
  readonly defaultParts: readonly Contribution[];
  readonly packageConfigs: ReadonlyMap<string, YamlMap>;
  readonly configParts: ReadonlyMap<string, readonly Contribution[]>;
  /** By project, in distroinfo's order. */
  readonly projects: ReadonlyMap<string, MergedProject>;
  /** Every entry of a project, in merge order (computed on first use). */
  readonly partsOf: (project: string) => readonly Contribution[];
  /** By name, in distroinfo's order. */
  readonly releases: ReadonlyMap<string, MergedItem>;
  readonly components: readonly { readonly name: string; readonly at: SourceRef }[];
  readonly hasPackagesSection: boolean;
  readonly hasReleasesSection: boolean;
  /** Files holding only `tags`/`buildsys-tags` for packages defined elsewhere. */
  readonly overlayFiles: ReadonlySet<string>;
  /** Overlay files giving packages `tags` (rdoinfo's tags/<tag>.yml): each declares the tag it is named after. */
  readonly tagFiles: ReadonlySet<string>;
  readonly problems: readonly ProblemRef[];
}

const OVERLAY_KEYS = new Set(['project', 'tags', 'buildsys-tags']);
const OVERLAY_FILE_KEYS = new Set(['packages', 'import']);
const KNOWN_TOP_LEVEL = new Set([
  'import',
  'releases',
  'package-default',
  'package-configs',
  'packages',
  'components',
]);

function isOverlayFile(info: YamlMap): boolean {
  for (const key in info) if (!OVERLAY_FILE_KEYS.has(key)) return false;
  const packages = info.packages;
  if (!isYamlList(packages) || packages.length === 0) return false;
  for (const entry of packages) {
    if (!isYamlMap(entry)) return false;
    for (const key in entry) if (!OVERLAY_KEYS.has(key)) return false;
  }
  return true;
}

interface Accumulated {
  value: Owned;
  readonly definitions: SourceRef[];
  readonly first: SourceRef;
  readonly parts?: Contribution[];
}

/** Where one file's list is merged into, and how its entries are recorded. */
interface ListTarget {
  readonly into: Map<string, Accumulated>;
  readonly section: 'packages' | 'releases';
  readonly keyField: 'project' | 'name';
  /** Record every entry in `parts` (releases: few); packages keep only definitions. */
  readonly keepParts: boolean;
}

/** The key of each entry of a list; entries without one are reported and left undefined. */
function keysOf(
  file: string,
  list: readonly YamlValue[],
  target: ListTarget,
  problems: ProblemRef[],
): (string | undefined)[] {
  const { section, keyField } = target;
  const keys = new Array<string | undefined>(list.length);
  for (let index = 0; index < list.length; index++) {
    const entry = list[index];
    if (!isYamlMap(entry)) {
      problems.push({
        severity: 'error',
        code: 'invalid-type',
        at: { file, path: [section, index] },
        message: `a ${section} entry must be a mapping`,
      });
      continue;
    }
    const key = entry[keyField];
    if (typeof key !== 'string' || key === '') {
      problems.push({
        severity: 'error',
        code: 'missing-field',
        at: { file, path: key === undefined ? [section, index] : [section, index, keyField] },
        message:
          key === undefined || key === null
            ? `missing ${keyField}`
            : `${keyField} must be a string, not ${quoteValue(key)}`,
      });
      continue;
    }
    keys[index] = key;
  }
  return keys;
}

/**
 * Merges one file's list (packages or releases) into `target.into`:
 * distroinfo's list2dict (entries with the same key in one file merged
 * first), then `_merge` into what earlier files gave; new keys keep their
 * first-appearance order.
 */
function mergeList(
  merger: InPlaceMerger,
  file: string,
  list: readonly YamlValue[],
  target: ListTarget,
  definitions: boolean,
  problems: ProblemRef[],
): void {
  const keys = keysOf(file, list, target, problems);
  const inFile = new Set<string>();
  const repeated = new Set<string>();
  for (const key of keys) {
    if (key === undefined) continue;
    if (inFile.has(key)) repeated.add(key);
    else inFile.add(key);
  }
  const done = new Set<string>();
  for (let index = 0; index < keys.length; index++) {
    const key = keys[index];
    if (key === undefined || done.has(key)) continue;
    const entry = list[index] as YamlMap;
    // Indexes of this key's entries in the file (most keys appear once).
    let indexes: number[] | undefined;
    let value: Owned | undefined;
    if (repeated.has(key)) {
      // list2dict: entries of one file with the same key are merged first.
      done.add(key);
      indexes = [index];
      value = merger.copy(entry) as Owned;
      for (let later = index + 1; later < keys.length; later++) {
        if (keys[later] !== key) continue;
        merger.mergeInto(value, list[later] as YamlMap);
        indexes.push(later);
      }
    }
    let seen = target.into.get(key);
    if (seen) {
      merger.mergeInto(seen.value, value ?? entry);
    } else {
      seen = {
        value: value ?? (merger.copy(entry) as Owned),
        definitions: [],
        first: { file, path: [target.section, index] },
        ...(target.keepParts ? { parts: [] } : {}),
      };
      target.into.set(key, seen);
    }
    if (!definitions && !seen.parts) continue;
    for (const at of indexes ?? [index]) {
      const path = [target.section, at];
      if (definitions) seen.definitions.push({ file, path });
      seen.parts?.push({ file, base: path, value: list[at]! });
    }
  }
}

/**
 * Every entry of every project, in merge order, found by scanning the
 * files once: this runs only when a project has a problem, so the happy
 * path records no per-entry provenance. (Scanning for each project with a
 * problem was quadratic: 9 s for 28,000 packages with problems.)
 */
function scanParts(sources: CatalogSources): Map<string, Contribution[]> {
  const parts = new Map<string, Contribution[]>();
  for (const file of sources.order) {
    const info = sources.files.get(file)?.value;
    const packages = isYamlMap(info) ? info.packages : undefined;
    if (!isYamlList(packages)) continue;
    for (let i = 0; i < packages.length; i++) {
      const entry = packages[i];
      if (!isYamlMap(entry) || typeof entry.project !== 'string') continue;
      const contribution = { file, base: ['packages', i], value: entry };
      const list = parts.get(entry.project);
      if (list) list.push(contribution);
      else parts.set(entry.project, [contribution]);
    }
  }
  return parts;
}

function checkSection(
  info: YamlMap,
  file: string,
  key: string,
  expect: 'map' | 'list',
  problems: ProblemRef[],
): boolean {
  const value = info[key];
  if (value === undefined || value === null) return false;
  const ok = expect === 'map' ? isYamlMap(value) : isYamlList(value);
  if (!ok) {
    problems.push({
      severity: 'error',
      code: 'invalid-type',
      at: { file, path: [key] },
      message: `${key} must be a ${expect === 'map' ? 'mapping' : 'list'}`,
    });
  }
  return ok;
}

/** Merges the files of a catalog in distroinfo's order. */
export function mergeInfos(sources: CatalogSources): MergedInfo {
  const problems = new ProblemList();
  let packageDefault: YamlMap = {};
  const defaultParts: Contribution[] = [];
  const configs = new Map<string, YamlMap>();
  const configParts = new Map<string, Contribution[]>();
  const projects = new Map<string, Accumulated>();
  const releases = new Map<string, Accumulated>();
  const packageTarget: ListTarget = {
    into: projects,
    section: 'packages',
    keyField: 'project',
    keepParts: false,
  };
  const releaseTarget: ListTarget = {
    into: releases,
    section: 'releases',
    keyField: 'name',
    keepParts: true,
  };
  const components: { name: string; at: SourceRef }[] = [];
  const overlayFiles = new Set<string>();
  const tagFiles = new Set<string>();
  const merger = new InPlaceMerger();
  const checked = new Set<string>();
  let hasPackagesSection = false;
  let hasReleasesSection = false;

  for (const file of sources.order) {
    const info = sources.files.get(file)?.value;
    const firstVisit = !checked.has(file);
    checked.add(file);
    // Problems are reported once per file, however often it is imported.
    const report: ProblemRef[] = firstVisit ? problems : [];
    if (info === undefined || info === null) continue;
    if (!isYamlMap(info)) {
      report.push({
        severity: 'error',
        code: 'invalid-type',
        at: { file, path: [] },
        message: 'a catalog file must be a mapping',
      });
      continue;
    }
    if (firstVisit) {
      for (const key of Object.keys(info)) {
        if (!KNOWN_TOP_LEVEL.has(key)) {
          report.push({
            severity: 'notice',
            code: 'unknown-section',
            at: { file, path: [key] },
            message: `unknown section ${key} (ignored)`,
          });
        }
      }
    }
    const overlay = isOverlayFile(info);
    if (overlay) {
      overlayFiles.add(file);
      if ((info.packages as YamlMap[]).some((entry) => 'tags' in entry)) tagFiles.add(file);
    }
    if ('packages' in info) hasPackagesSection = true;
    if ('releases' in info) hasReleasesSection = true;
    if (checkSection(info, file, 'package-default', 'map', report)) {
      packageDefault = pyMerge(packageDefault, info['package-default']!) as YamlMap;
      defaultParts.push({ file, base: ['package-default'], value: info['package-default']! });
    }
    if (checkSection(info, file, 'package-configs', 'map', report)) {
      const fileConfigs = info['package-configs'] as YamlMap;
      for (const [name, conf] of Object.entries(fileConfigs)) {
        configs.set(name, pyMerge(configs.get(name), conf) as YamlMap);
        const parts = configParts.get(name) ?? [];
        parts.push({ file, base: ['package-configs', name], value: conf });
        configParts.set(name, parts);
      }
    }
    if (checkSection(info, file, 'packages', 'list', report)) {
      // A file imported twice merges twice (as in distroinfo) but defines its packages once.
      mergeList(merger, file, info.packages as YamlValue[], packageTarget, firstVisit && !overlay, report);
    }
    if (checkSection(info, file, 'releases', 'list', report)) {
      mergeList(merger, file, info.releases as YamlValue[], releaseTarget, firstVisit, report);
    }
    if (checkSection(info, file, 'components', 'list', report)) {
      (info.components as YamlValue[]).forEach((component, index) => {
        const name = isYamlMap(component) ? component.name : undefined;
        if (typeof name === 'string' && name !== '') {
          components.push({ name, at: { file, path: ['components', index] } });
        } else {
          report.push({
            severity: 'error',
            code: 'missing-field',
            at: { file, path: ['components', index] },
            message: 'a component needs a name',
          });
        }
      });
    }
  }
  for (const [name, conf] of configs) {
    if (!isYamlMap(conf)) {
      const part = configParts.get(name)!.at(-1)!;
      problems.push({
        severity: 'error',
        code: 'invalid-type',
        at: { file: part.file, path: part.base },
        message: `package config ${name} must be a mapping`,
      });
      configs.delete(name);
    }
  }
  let scanned: Map<string, Contribution[]> | undefined;
  return {
    packageDefault,
    defaultParts,
    packageConfigs: configs,
    configParts,
    projects,
    partsOf: (project) => {
      scanned ??= scanParts(sources);
      return scanned.get(project) ?? [];
    },
    releases: new Map(
      [...releases].map(([name, item]) => [name, { value: item.value, parts: item.parts ?? [] }]),
    ),
    components,
    hasPackagesSection,
    hasReleasesSection,
    overlayFiles,
    tagFiles,
    problems,
  };
}
