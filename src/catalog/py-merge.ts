import type { YamlMap, YamlValue } from './catalog-model.js';
import { isYamlList, isYamlMap } from './yaml-parse.js';

/**
 * distroinfo's `_merge(a, b)` (parse.py): mappings merged key by key, lists
 * concatenated, a null never replacing a value, anything else replaced by
 * the later value.
 */

/** A mapping this module made and may write. */
export type Owned = Record<string, YamlValue>;

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

// Everything under a merged value was made by `copy`, so it may be written.
function isOwnedMap(value: YamlValue | undefined): value is Owned {
  return isYamlMap(value);
}

function isOwnedList(value: YamlValue | undefined): value is YamlValue[] {
  return isYamlList(value);
}

/**
 * `_merge` in place. Merging rdoinfo's ~28,000 build-system-tag entries by
 * copying would be quadratic, so merged values are built in place: whatever
 * is stored in a merged value is first copied (mappings into null-prototype
 * objects, which V8 keeps in dictionary mode, so adding build-system tags in
 * every possible order creates no hidden classes), and then owned by it.
 */
export class InPlaceMerger {
  copy(value: YamlValue): YamlValue {
    if (isYamlMap(value)) {
      const copy = Object.create(null) as Owned;
      for (const key in value) copy[key] = this.copy(value[key]!);
      return copy;
    }
    // List items are never merged into, so they can be shared.
    if (isYamlList(value)) return value.slice();
    return value;
  }

  /** `target = _merge(target, source)` for a target made by `copy`. */
  mergeInto(target: Owned, source: YamlMap): void {
    for (const key in source) {
      const current = target[key];
      const incoming = source[key]!;
      if (isOwnedMap(current) && isYamlMap(incoming)) this.mergeInto(current, incoming);
      else if (isOwnedList(current) && isYamlList(incoming)) current.push(...incoming);
      else if (incoming === null) target[key] = current ?? null;
      else target[key] = typeof incoming === 'object' ? this.copy(incoming) : incoming;
    }
  }
}
