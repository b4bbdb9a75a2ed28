import type { YamlMap, YamlPath, YamlValue } from './catalog-model.js';
import type { Contribution } from './merge-infos.js';
import { MAX_SUBSTITUTION_GROWTH, pythonFormat } from './python-format.js';
import { isYamlList, isYamlMap, scalarText } from './yaml-parse.js';

/**
 * distroinfo's parse_package: start from package-default, apply the
 * package's template (`conf`), then the package's own (merged) entry, then
 * the applied tag's overrides, each replacing whole top-level fields; then
 * substitute `%(field)s` in every string field, reading the fields as they
 * were before substitution.
 */

/** Which layer a top-level field came from. */
export type FieldLayer = 'default' | 'conf' | 'entry' | 'tag';

export interface SubstitutionFailure {
  readonly key: string;
  readonly template: string;
  readonly reason: string;
}

export interface Expansion {
  /** Effective fields, substituted. */
  readonly fields: YamlMap;
  /** Effective fields before substitution. */
  readonly raw: YamlMap;
  /** The layer that last set a field. */
  readonly layerOf: (key: string) => FieldLayer | undefined;
  readonly failures: readonly SubstitutionFailure[];
  /** Set when `conf` names no template. */
  readonly unknownConf: string | undefined;
  /** The overrides applied (the tag's settings), when a tag was applied and had any. */
  readonly tagSettings: YamlMap | undefined;
}

export interface Templates {
  readonly packageDefault: YamlMap;
  readonly packageConfigs: ReadonlyMap<string, YamlMap>;
}

/**
 * What substitution may still produce, shared by the expansions of one
 * catalog: each value is bounded (MAX_SUBSTITUTION_GROWTH), and so is their
 * sum, as templates are applied to every package.
 */
export interface SubstitutionBudget {
  remaining: number;
}

/** The budget of a whole catalog: rdoinfo's substituted values take about 0.5 MB. */
export const CATALOG_SUBSTITUTION_BUDGET = 64 * 1024 * 1024;

function substitute(
  raw: YamlMap,
  keys: Iterable<string>,
  into: Record<string, YamlValue>,
  failures: SubstitutionFailure[],
  budget: SubstitutionBudget | undefined,
): void {
  for (const key of keys) {
    const value = raw[key];
    if (typeof value !== 'string') continue;
    const own = value.length + MAX_SUBSTITUTION_GROWTH;
    const limit = budget ? Math.min(own, budget.remaining) : own;
    const result = pythonFormat(value, raw, limit);
    if (result.ok) {
      into[key] = result.value;
      if (budget && result.value !== value) budget.remaining -= result.value.length;
    } else {
      const reason =
        result.tooLong && limit < own
          ? `the catalog's substituted values pass ${CATALOG_SUBSTITUTION_BUDGET / 1024 / 1024} MiB (templates applied to every package)`
          : result.reason;
      failures.push({ key, template: value, reason });
    }
  }
}

function nonEmptyMap(value: YamlValue | undefined): YamlMap | undefined {
  return isYamlMap(value) && Object.keys(value).length > 0 ? value : undefined;
}

export function expandPackage(
  entry: YamlMap,
  templates: Templates,
  tag?: string,
  budget?: SubstitutionBudget,
): Expansion {
  const raw: Record<string, YamlValue> = {};
  const apply = (source: YamlMap): void => {
    for (const key of Object.keys(source)) raw[key] = source[key]!;
  };
  apply(templates.packageDefault);
  let unknownConf: string | undefined;
  let conf: YamlMap | undefined;
  const confName = entry.conf;
  if (confName !== undefined) {
    conf = typeof confName === 'string' ? templates.packageConfigs.get(confName) : undefined;
    if (conf) apply(conf);
    else unknownConf = scalarText(confName);
  }
  apply(entry);
  let tagSettings: YamlMap | undefined;
  if (tag !== undefined) {
    const tags = raw.tags;
    tagSettings = nonEmptyMap(isYamlMap(tags) ? tags[tag] : undefined);
    if (tagSettings) apply(tagSettings);
  }
  const failures: SubstitutionFailure[] = [];
  const fields: Record<string, YamlValue> = { ...raw };
  substitute(raw, Object.keys(raw), fields, failures, budget);
  const layerOf = (key: string): FieldLayer | undefined => {
    if (tagSettings && Object.hasOwn(tagSettings, key)) return 'tag';
    if (Object.hasOwn(entry, key)) return 'entry';
    if (conf && Object.hasOwn(conf, key)) return 'conf';
    if (Object.hasOwn(templates.packageDefault, key)) return 'default';
    return undefined;
  };
  return { fields, raw, layerOf, failures, unknownConf, tagSettings };
}

/**
 * A tag's overrides on top of an untagged expansion, for checking them: the
 * overridden fields are substituted as distroinfo would with that tag
 * applied; the other fields are the untagged ones. `undefined` when the tag
 * sets nothing for this package. (Use `expandPackage(entry, templates, tag)`
 * for the exact tagged package.)
 */
export function expandTagOverrides(
  base: Expansion,
  tag: string,
  budget?: SubstitutionBudget,
): Expansion | undefined {
  const tags = base.raw.tags;
  const settings = nonEmptyMap(isYamlMap(tags) ? tags[tag] : undefined);
  if (!settings) return undefined;
  const raw: YamlMap = { ...base.raw, ...settings };
  const fields: Record<string, YamlValue> = { ...base.fields, ...settings };
  const failures: SubstitutionFailure[] = [];
  substitute(raw, Object.keys(settings), fields, failures, budget);
  const layerOf = (key: string): FieldLayer | undefined =>
    Object.hasOwn(settings, key) ? 'tag' : base.layerOf(key);
  return { fields, raw, layerOf, failures, unknownConf: base.unknownConf, tagSettings: settings };
}

function getIn(value: YamlMap[string] | undefined, path: YamlPath): YamlMap[string] | undefined {
  let node = value;
  for (const segment of path) {
    if (typeof segment === 'number') {
      if (!isYamlList(node)) return undefined;
      node = node[segment];
    } else {
      if (!isYamlMap(node)) return undefined;
      node = node[segment];
    }
  }
  return node;
}

/**
 * Where a merged value at `path` was written: the last contribution setting
 * it (a null only counts when nothing else set it), or, inside a list
 * concatenated from several contributions, the one holding that item.
 */
export function originOf(
  parts: readonly Contribution[],
  path: YamlPath,
): { readonly file: string; readonly path: YamlPath } | undefined {
  const listAt = path.findIndex((segment) => typeof segment === 'number');
  if (listAt >= 0) {
    const prefix = path.slice(0, listAt);
    let wanted = path[listAt] as number;
    let pieces: { part: Contribution; length: number }[] = [];
    for (const part of parts) {
      const list = getIn(part.value, prefix);
      if (isYamlList(list)) pieces.push({ part, length: list.length });
      else if (list !== undefined && list !== null) pieces = [];
    }
    for (const { part, length } of pieces) {
      if (wanted < length) {
        const inner: YamlPath = [...prefix, wanted, ...path.slice(listAt + 1)];
        return { file: part.file, path: [...part.base, ...inner] };
      }
      wanted -= length;
    }
    const last = pieces.at(-1);
    if (last) return { file: last.part.file, path: [...last.part.base, ...prefix] };
  }
  let fallback: Contribution | undefined;
  for (let i = parts.length - 1; i >= 0; i--) {
    const found = getIn(parts[i]!.value, path);
    if (found === undefined) continue;
    if (found !== null) return { file: parts[i]!.file, path: [...parts[i]!.base, ...path] };
    fallback ??= parts[i];
  }
  if (fallback) return { file: fallback.file, path: [...fallback.base, ...path] };
  return undefined;
}
