/**
 * The package catalog: rdoinfo-format package databases (see docs/catalog.md).
 *
 * @example
 * ```ts
 * const catalog = await readCatalog('/srv/rdoinfo');          // throws FERRY_CATALOG_INVALID
 * for (const pkg of releasePackages(catalog, { release: 'caracal' })) {
 *   // pkg.upstream, pkg.sourceBranch, pkg.distgit, pkg.distgitBranch, pkg.buildsysTags ...
 * }
 * ```
 */
export type {
  Catalog,
  CatalogPackage,
  CatalogProblem,
  CatalogTemplates,
  ProblemSeverity,
  Release,
  ReleaseRepo,
  SourcePosition,
  SourceRef,
  TagSettings,
  YamlMap,
  YamlPath,
  YamlValue,
} from './catalog-model.js';
export { PROBLEM_SEVERITIES, isProblemSeverity } from './catalog-model.js';
export { CONVENTIONAL_TAGS, RELEASE_TAG_SUFFIXES } from './build-catalog.js';
export { RELEASE_STATUSES, isReleaseStatus, type ReleaseStatus } from './build-releases.js';
export { CATALOG_ENTRY_FILES } from './read-catalog-files.js';
export {
  catalogInvalidError,
  loadCatalog,
  MAX_LISTED_PROBLEMS,
  omittedNote,
  readCatalog,
  suppressedNote,
  type CatalogLoad,
} from './load-catalog.js';
export { CATALOG_LIMITS } from './read-catalog-files.js';
export { formatProblem, formatYamlPath } from './locate-problems.js';
export {
  BRANCH_ORIGINS,
  DEFAULT_DISTGIT_BRANCH,
  DEFAULT_SOURCE_BRANCH,
  applyTag,
  findPackages,
  findRelease,
  releaseBuildsysTags,
  releaseOfTag,
  releasePackages,
  selectPackages,
  tagsInUse,
  type BranchOrigin,
  type PackageFilter,
  type ReleasePackage,
} from './catalog-query.js';
export {
  effectiveJson,
  packageJson,
  positionJson,
  problemJson,
  releaseJson,
  validationJson,
  type EffectiveJson,
  type PositionJson,
  type ProblemJson,
} from './catalog-json.js';
