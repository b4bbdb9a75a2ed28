import type { YamlMap, YamlPath } from './catalog-model.js';
import type { Contribution } from './merge-infos.js';
import { pythonFormat } from './python-format.js';
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
  readonly fields: YamlMap;
  /** The layer that last set each field. */
  readonly layers: ReadonlyMap<string, FieldLayer>;
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

export function expandPackage(entry: YamlMap, templates: Templates, tag?: string): Expansion {
  const fields: Record<string, YamlMap[string]> = {};
  const layers = new Map<string, FieldLayer>();
  const apply = (source: YamlMap, layer: FieldLayer): void => {
    for (const key of Object.keys(source)) {
      fields[key] = source[key]!;
      layers.set(key, layer);
    }
  };
  apply(templates.packageDefault, 'default');
  let unknownConf: string | undefined;
  const confName = entry.conf;
  if (confName !== undefined) {
    const conf = typeof confName === 'string' ? templates.packageConfigs.get(confName) : undefined;
    if (conf) apply(conf, 'conf');
    else unknownConf = scalarText(confName);
  }
  apply(entry, 'entry');
  let tagSettings: YamlMap | undefined;
  if (tag !== undefined) {
    const tags = fields.tags;
    const settings = isYamlMap(tags) ? tags[tag] : undefined;
    if (isYamlMap(settings) && Object.keys(settings).length > 0) {
      tagSettings = settings;
      apply(settings, 'tag');
    }
  }
  const failures: SubstitutionFailure[] = [];
  const substituted: Record<string, YamlMap[string]> = { ...fields };
  for (const key of Object.keys(fields)) {
    const value = fields[key];
    if (typeof value !== 'string') continue;
    const result = pythonFormat(value, fields);
    if (result.ok) substituted[key] = result.value;
    else failures.push({ key, template: value, reason: result.reason });
  }
  return { fields: substituted, layers, failures, unknownConf, tagSettings };
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
