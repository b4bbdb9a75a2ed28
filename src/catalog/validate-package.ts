import { isSafeName } from '../util/names.js';
import type {
  ProblemRef,
  ProblemSeverity,
  SourceRef,
  YamlMap,
  YamlPath,
  YamlValue,
} from './catalog-model.js';
import { originOf, type Expansion } from './expand-package.js';
import type { MergedInfo, MergedProject } from './merge-infos.js';
import { STRING_FIELDS, URL_FIELDS, isValidEmail, isValidUrl, misspeltField } from './field-rules.js';
import { quoteValue } from './quote-value.js';
import { didYouMean } from './suggest.js';
import { isYamlList, isYamlMap, scalarText } from './yaml-parse.js';

/**
 * Rules for one expanded package (distroinfo's parse_package checks, rdoinfo's
 * verify.py checks, and what ferry needs to build it). Problems point at the
 * file and field that hold the bad value: the package entry, its template,
 * package-default, or a tag file.
 */

export interface RuleContext {
  readonly merged: MergedInfo;
  readonly knownTags: ReadonlySet<string>;
  readonly buildsysTags: ReadonlySet<string>;
  /** Declared components, or undefined when the catalog declares none (then any is accepted). */
  readonly components: ReadonlySet<string> | undefined;
  readonly problems: ProblemRef[];
}

function describe(value: YamlValue): string {
  if (value === null) return 'null';
  if (isYamlList(value)) return 'a list';
  if (isYamlMap(value)) return 'a mapping';
  return `${typeof value} ${quoteValue(value)}`;
}

class PackageChecker {
  constructor(
    private readonly ctx: RuleContext,
    private readonly project: string,
    private readonly item: MergedProject,
    private readonly expansion: Expansion,
    private readonly tag: string | undefined,
    private readonly entryRef: SourceRef,
  ) {}

  /** Where field `key` (and `sub` inside it) was written. */
  ref(key: string, sub: YamlPath = []): SourceRef {
    const merged = this.ctx.merged;
    let origin: SourceRef | undefined;
    switch (this.expansion.layerOf(key)) {
      case 'tag':
        origin = originOf(merged.partsOf(this.project), ['tags', this.tag!, key, ...sub]);
        break;
      case 'entry':
        origin = originOf(merged.partsOf(this.project), [key, ...sub]);
        break;
      case 'conf': {
        const conf = this.item.value.conf;
        origin = originOf(merged.configParts.get(scalarText(conf)) ?? [], [key, ...sub]);
        break;
      }
      case 'default':
        origin = originOf(merged.defaultParts, [key, ...sub]);
        break;
      default:
        origin = undefined;
    }
    return origin ?? this.entryRef;
  }

  /** Only fields this expansion is responsible for: all of them untagged, the tag's own under a tag. */
  mine(key: string): boolean {
    return this.tag === undefined || this.expansion.layerOf(key) === 'tag';
  }

  report(
    severity: ProblemSeverity,
    code: string,
    at: SourceRef,
    message: string,
    related?: SourceRef[],
  ): void {
    const where = this.tag === undefined ? '' : ` (tag ${this.tag})`;
    this.ctx.problems.push({ severity, code, at, message: message + where, ...(related ? { related } : {}) });
  }

  check(): void {
    const fields = this.expansion.fields;
    if (this.tag === undefined) this.checkTemplateAndSubstitution();
    else this.checkSubstitution();
    // Under a tag, only the fields it overrides are new.
    const keys: readonly string[] = this.expansion.tagSettings
      ? STRING_FIELDS.filter((key) => Object.hasOwn(this.expansion.tagSettings!, key))
      : STRING_FIELDS;
    for (const key of keys) {
      if (!this.mine(key) || !(key in fields)) continue;
      const value = fields[key]!;
      if (value !== null && typeof value !== 'string') {
        this.report(
          'error',
          'invalid-type',
          this.ref(key),
          `${key} must be a string, not ${describe(value)}`,
        );
      }
    }
    this.checkRequired();
    this.checkNames();
    this.checkMaintainers();
    this.checkUrls();
    this.checkComponent();
    if (this.tag === undefined) {
      this.checkTags();
      this.checkBuildsysTags();
    }
    this.checkSpelling();
  }

  private checkTemplateAndSubstitution(): void {
    if (this.expansion.unknownConf !== undefined) {
      this.report(
        'error',
        'unknown-template',
        this.ref('conf'),
        `unknown template ${quoteValue(this.expansion.unknownConf)} (not in package-configs)${didYouMean(this.expansion.unknownConf, this.ctx.merged.packageConfigs.keys())}`,
      );
    }
    this.checkSubstitution();
  }

  private checkSubstitution(): void {
    for (const failure of this.expansion.failures) {
      if (!this.mine(failure.key)) continue;
      this.report(
        'error',
        'substitution',
        this.ref(failure.key),
        `cannot substitute ${quoteValue(failure.template)}: ${failure.reason}`,
      );
    }
  }

  private checkRequired(): void {
    if (this.tag !== undefined) return;
    const fields = this.expansion.fields;
    const missing = (key: string): boolean => fields[key] === undefined || fields[key] === null;
    for (const key of ['name', 'maintainers', 'upstream'] as const) {
      if (missing(key)) this.report('error', 'missing-field', this.entryRef, `missing ${key}`);
    }
    if (missing('master-distgit') && missing('distgit')) {
      this.report('error', 'missing-field', this.entryRef, 'missing master-distgit (or distgit)');
    }
  }

  private checkNames(): void {
    for (const key of ['name', 'project'] as const) {
      const value = this.expansion.fields[key];
      if (!this.mine(key) || typeof value !== 'string' || isSafeName(value)) continue;
      this.report(
        'error',
        'invalid-name',
        this.ref(key),
        `${key} ${quoteValue(value)} cannot name a directory: use letters, digits, '.', '_', '+', '-'`,
      );
    }
  }

  private checkMaintainers(): void {
    const maintainers = this.expansion.fields.maintainers;
    if (!this.mine('maintainers') || maintainers === undefined || maintainers === null) return;
    if (!isYamlList(maintainers)) {
      this.report(
        'error',
        'invalid-type',
        this.ref('maintainers'),
        'maintainers must be a list of e-mail addresses',
      );
      return;
    }
    if (maintainers.length === 0) {
      this.report('error', 'missing-field', this.ref('maintainers'), 'at least one maintainer is needed');
    }
    maintainers.forEach((maintainer, index) => {
      if (typeof maintainer !== 'string' || !isValidEmail(maintainer)) {
        this.report(
          'error',
          'invalid-email',
          this.ref('maintainers', [index]),
          `not an e-mail address: ${quoteValue(maintainer)}`,
        );
      }
    });
  }

  private checkUrls(): void {
    const fields = this.expansion.fields;
    for (const key of URL_FIELDS) {
      const value = fields[key];
      if (!this.mine(key) || value === undefined || value === null) continue;
      // DLRN accepts a list of upstream repositories.
      const urls: readonly YamlValue[] = key === 'upstream' && isYamlList(value) ? value : [value];
      if (key === 'upstream' && typeof value !== 'string' && !isYamlList(value)) {
        this.report('error', 'invalid-type', this.ref(key), `upstream must be a URL, not ${describe(value)}`);
        continue;
      }
      // A template's value is shown as written, so its packages share one problem.
      const layer = this.expansion.layerOf(key);
      const written = layer === 'conf' || layer === 'default' ? this.expansion.raw[key] : undefined;
      urls.forEach((url, index) => {
        if (typeof url === 'string' && isValidUrl(url)) return;
        if (typeof url !== 'string' && key !== 'upstream') return; // reported as invalid-type
        const sub: YamlPath = isYamlList(value) ? [index] : [];
        const shown = typeof written === 'string' ? written : url;
        this.report('error', 'invalid-url', this.ref(key, sub), `${key}: not a URL: ${quoteValue(shown)}`);
      });
    }
  }

  private checkComponent(): void {
    const component = this.expansion.fields.component;
    const components = this.ctx.components;
    if (!this.mine('component') || !components || typeof component !== 'string') return;
    if (!components.has(component)) {
      this.report(
        'error',
        'unknown-component',
        this.ref('component'),
        `unknown component ${quoteValue(component)} (not in components)${didYouMean(component, components)}`,
      );
    }
  }

  private checkTags(): void {
    const tags = this.expansion.fields.tags;
    if (tags === undefined || tags === null) return;
    if (!isYamlMap(tags)) {
      this.report(
        'error',
        'invalid-type',
        this.ref('tags'),
        'tags must be a mapping of tag names to settings',
      );
      return;
    }
    for (const [tag, settings] of Object.entries(tags)) {
      if (!this.ctx.knownTags.has(tag)) {
        this.report(
          'error',
          'unknown-tag',
          this.ref('tags', [tag]),
          `unknown tag ${quoteValue(tag)}: neither a release, a release's -uc variant, nor a declared tag${didYouMean(tag, this.ctx.knownTags)}`,
        );
      }
      if (settings !== null && !isYamlMap(settings)) {
        this.report(
          'error',
          'invalid-type',
          this.ref('tags', [tag]),
          `settings of tag ${tag} must be a mapping (or empty), not ${describe(settings)}`,
        );
      }
    }
  }

  private checkBuildsysTags(): void {
    const tags = this.expansion.fields['buildsys-tags'];
    // Without releases no build-system tag is declared: the missing section is the problem.
    if (tags === undefined || tags === null || !this.ctx.merged.hasReleasesSection) return;
    if (!isYamlMap(tags)) {
      this.report(
        'error',
        'invalid-type',
        this.ref('buildsys-tags'),
        'buildsys-tags must map build tags to NVRs',
      );
      return;
    }
    for (const tag in tags) {
      const nvr = tags[tag]!;
      if (!this.ctx.buildsysTags.has(tag)) {
        this.report(
          'error',
          'unknown-buildsys-tag',
          this.ref('buildsys-tags', [tag]),
          `build-system tag ${tag} is not a buildsys-tag of any release repo${didYouMean(tag, this.ctx.buildsysTags)}`,
        );
      } else if (tag !== 'version-locked' && (typeof nvr !== 'string' || nvr === '')) {
        this.report(
          'error',
          'empty-buildsys-tag',
          this.ref('buildsys-tags', [tag]),
          `build-system tag ${tag} needs the NVR built there, not ${describe(nvr)}`,
        );
      }
    }
  }

  private checkSpelling(): void {
    const settings: YamlMap | undefined =
      this.tag === undefined ? this.item.value : this.expansion.tagSettings;
    if (!settings) return;
    for (const key of Object.keys(settings)) {
      const meant = misspeltField(key);
      if (!meant) continue;
      this.report(
        'notice',
        'misspelt-field',
        this.ref(key),
        `${key} is not a field; did you mean ${meant}? (ignored)`,
      );
    }
  }
}

/**
 * Checks one package expansion. Untagged, every field is checked; with a tag,
 * only the fields that tag overrides (the rest was checked untagged).
 */
export function checkPackage(
  ctx: RuleContext,
  project: string,
  item: MergedProject,
  expansion: Expansion,
  tag: string | undefined,
  entryRef: SourceRef,
): void {
  new PackageChecker(ctx, project, item, expansion, tag, entryRef).check();
}

/** Templates' own tags are checked once, where they are written. */
export function checkTemplateTags(ctx: RuleContext): void {
  const sections: { parts: MergedInfo['defaultParts'] }[] = [
    { parts: ctx.merged.defaultParts },
    ...[...ctx.merged.configParts.values()].map((parts) => ({ parts })),
  ];
  for (const { parts } of sections) {
    for (const part of parts) {
      const tags = isYamlMap(part.value) ? part.value.tags : undefined;
      if (!isYamlMap(tags)) continue;
      for (const tag of Object.keys(tags)) {
        if (ctx.knownTags.has(tag)) continue;
        ctx.problems.push({
          severity: 'error',
          code: 'unknown-tag',
          at: { file: part.file, path: [...part.base, 'tags', tag] },
          message: `unknown tag ${quoteValue(tag)}: neither a release, a release's -uc variant, nor a declared tag${didYouMean(tag, ctx.knownTags)}`,
        });
      }
    }
  }
}
