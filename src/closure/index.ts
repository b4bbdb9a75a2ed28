/**
 * Dependency closure: dnf repoclosure's check over repositories (checked and
 * lookaside), "what breaks if these packages replace those", and the
 * dependency index ferry writes beside its repodata. See docs/closure.md.
 */
export {
  repoClosure,
  openClosurePool,
  type OpenPoolOptions,
  type OpenedPool,
  type RepoClosureOptions,
  type RepoClosureReport,
} from './repo-closure.js';
export {
  findUnresolved,
  latestPerArch,
  requiredPaths,
  selectPackages,
  type ClosureResult,
  type ClosureSelection,
  type Selection,
  type UnresolvedPackage,
} from './closure-check.js';
export { ClosurePool, machineArch, type PoolOptions, type PoolRepo } from './closure-pool.js';
export {
  whatBreaks,
  type WhatBreaksOptions,
  type WhatBreaksResult,
  type BrokenPackage,
} from './what-breaks.js';
export {
  assertDistinctIds,
  isValidRepoId,
  parseRepoSpec,
  repoIdFromUrl,
  type RepoLocation,
  type RepoSpec,
} from './repo-spec.js';
export { expandRepoArgument, expandRepoArguments, type ExpandOptions } from './expand-repo-arguments.js';
export { locateBaseurl, repoFileSpecs, type LocalMirror, type RepoFileContext } from './repo-file-specs.js';
export { DEFAULT_HTTP_MAX_BYTES, DEFAULT_HTTP_TIMEOUT_MS, httpGet, type HttpLimits } from './http-get.js';
export { loadRepo, type LoadedRepo, type LoadRepoOptions, type LoadSource } from './repo-loader.js';
export {
  repoPackagesFromModels,
  packageEvr,
  type ClosurePackageInput,
  type DependencyEntry,
  type RepoPackages,
} from './repo-packages.js';
export {
  DEPENDENCY_INDEX_FILE,
  DEPENDENCY_INDEX_TYPE,
  dependencyIndexExtension,
  encodePackagePart,
} from './dependency-index-extension.js';
export {
  decodeDependencyIndex,
  encodeDependencyIndex,
  type DependencyIndexHeader,
} from './dependency-index-format.js';
export { unprovidedDependencies, type UnprovidedOptions } from './unprovided.js';
export { formatReldep, parseRichReldep, reldepFromEntry, type Reldep } from './reldep.js';
export { evrCompare, matchFlagsEvr } from './evr-match.js';
export {
  closureJson,
  closureSummary,
  renderClosureJson,
  renderClosureText,
  type ClosureJson,
} from './closure-report.js';
