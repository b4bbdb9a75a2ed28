import type { ProblemRef, SourceRef, YamlMap, YamlPath, YamlValue } from './catalog-model.js';
import type { CatalogSources } from './read-catalog-files.js';
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

export interface MergedInfo {
  readonly packageDefault: YamlMap;
  readonly defaultParts: readonly Contribution[];
  readonly packageConfigs: ReadonlyMap<string, YamlMap>;
  readonly configParts: ReadonlyMap<string, readonly Contribution[]>;
  /** By project, in distroinfo's order. */
  readonly projects: ReadonlyMap<string, MergedItem>;
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

/** distroinfo's `_merge(a, b)`. */
export function pyMerge(a: YamlValue | undefined, b: YamlValue): YamlValue {
  if (isYamlMap(a) && isYamlMap(b)) {
    const merged: Record<string, YamlValue> = { ...a };
    for (const key of Object.keys(b)) merged[key] = pyMerge(a[key], b[key]!);
    return merged;
  }
  if (isYamlList(a) && isYamlList(b)) return [...a, ...b];
  if (b === null) return a ?? null;
  return b;
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
  if (!Object.keys(info).every((key) => OVERLAY_FILE_KEYS.has(key))) return false;
  const packages = info.packages;
  if (!isYamlList(packages) || packages.length === 0) return false;
  return packages.every((entry) => isYamlMap(entry) && Object.keys(entry).every((k) => OVERLAY_KEYS.has(k)));
}

type Owned = Record<string, YamlValue>;
type Keyed = Map<string, { value: YamlMap; parts: Contribution[] }>;

/**
 * `_merge` in place. Merging rdoinfo's ~28,000 build-system-tag entries by
 * copying would be quadratic, so merged mappings and lists are mutated, but
 * only those this merge created (`owned`): a mapping or list read from a file
 * is copied the first time something is merged into it.
 */
class InPlaceMerger {
  private readonly owned = new WeakSet<object>();

  own(value: YamlMap): Owned;
  own(value: readonly YamlValue[]): YamlValue[];
  own(value: YamlMap | readonly YamlValue[]): Owned | YamlValue[] {
    if (this.owned.has(value)) return value as Owned | YamlValue[];
    // Null-prototype objects live in V8's dictionary mode: adding keys in
    // every possible order (build-system tags) then creates no hidden classes.
    const copy = isYamlList(value) ? [...value] : Object.assign(Object.create(null) as Owned, value);
    this.owned.add(copy);
    return copy;
  }

  /** Returns `_merge(target, source)`, reusing `target` when this merger owns it. */
  merge(target: YamlMap, source: YamlMap): YamlMap {
    const out = this.own(target);
    for (const key of Object.keys(source)) {
      const current = out[key];
      const incoming = source[key]!;
      if (isYamlMap(current) && isYamlMap(incoming)) out[key] = this.merge(current, incoming);
      else if (isYamlList(current) && isYamlList(incoming)) {
        const list = this.own(current);
        list.push(...incoming);
        out[key] = list;
      } else if (incoming === null) out[key] = current ?? null;
      else out[key] = incoming;
    }
    return out;
  }
}

/**
 * Merges one file's list (packages or releases) into `into`: distroinfo's
 * list2dict (entries with the same key in one file merged first), then
 * `_merge` into what earlier files gave; new keys keep first-appearance order.
 */
function mergeList(
  merger: InPlaceMerger,
  into: Keyed,
  file: string,
  section: 'packages' | 'releases',
  list: readonly YamlValue[],
  keyField: 'project' | 'name',
  problems: ProblemRef[],
): void {
  const keys: (string | undefined)[] = [];
  const counts = new Map<string, number>();
  list.forEach((entry, index) => {
    const at = { file, path: [section, index] };
    if (!isYamlMap(entry)) {
      problems.push({
        severity: 'error',
        code: 'invalid-type',
        at,
        message: `a ${section} entry must be a mapping`,
      });
      keys.push(undefined);
      return;
    }
    const key = entry[keyField];
    if (typeof key !== 'string' || key === '') {
      problems.push({
        severity: 'error',
        code: 'missing-field',
        at: key === undefined ? at : { file, path: [section, index, keyField] },
        message:
          key === undefined || key === null
            ? `missing ${keyField}`
            : `${keyField} must be a string, not ${JSON.stringify(key)}`,
      });
      keys.push(undefined);
      return;
    }
    keys.push(key);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  });
  const done = new Set<string>();
  keys.forEach((key, index) => {
    if (key === undefined || done.has(key)) return;
    let value = list[index] as YamlMap;
    const parts: Contribution[] = [{ file, base: [section, index], value }];
    if (counts.get(key)! > 1) {
      done.add(key);
      for (let later = index + 1; later < keys.length; later++) {
        if (keys[later] !== key) continue;
        const entry = list[later] as YamlMap;
        value = merger.merge(value, entry);
        parts.push({ file, base: [section, later], value: entry });
      }
    }
    const seen = into.get(key);
    if (seen) {
      seen.value = merger.merge(seen.value, value);
      seen.parts.push(...parts);
    } else {
      into.set(key, { value, parts });
    }
  });
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
  const problems: ProblemRef[] = [];
  let packageDefault: YamlMap = {};
  const defaultParts: Contribution[] = [];
  const configs = new Map<string, YamlMap>();
  const configParts = new Map<string, Contribution[]>();
  const projects: Keyed = new Map();
  const releases: Keyed = new Map();
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
    if (isOverlayFile(info)) {
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
      mergeList(merger, projects, file, 'packages', info.packages as YamlValue[], 'project', report);
    }
    if (checkSection(info, file, 'releases', 'list', report)) {
      mergeList(merger, releases, file, 'releases', info.releases as YamlValue[], 'name', report);
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
  return {
    packageDefault,
    defaultParts,
    packageConfigs: configs,
    configParts,
    projects,
    releases,
    components,
    hasPackagesSection,
    hasReleasesSection,
    overlayFiles,
    tagFiles,
    problems,
  };
}
