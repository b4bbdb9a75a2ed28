// Public surface of src/rpm: other modules import from here, never from the inner files.
export * from './package.js';
export type { VercmpResult } from './vercmp.js';
export { rpmvercmp } from './vercmp.js';
export type { Evr, EvrRange } from './evr.js';
export {
  compareEvr,
  evrSatisfies,
  flagFromOperator,
  formatEvr,
  operatorFromFlag,
  parseDependencyEvr,
  parseEvr,
  rangesOverlap,
  senseBits,
} from './evr.js';
export type { Nevr, Nevra, Nvr } from './nevra.js';
export {
  formatNevr,
  formatNevra,
  formatNvr,
  parseNevr,
  parseNevra,
  parseNvr,
  parseRpmFileName,
  rpmFileName,
} from './nevra.js';
export type { DependencyTag, RequireQualifier } from './dependency-string.js';
export {
  REQUIRE_QUALIFIERS,
  formatDependency,
  formatDependencyLine,
  formatDependencyTag,
  isPreRequire,
  isRequireQualifier,
  parseDependency,
  parseDependencyLine,
  parseDependencyTag,
} from './dependency-string.js';
export type {
  RichAtom,
  RichChain,
  RichConditional,
  RichElse,
  RichNode,
  RichOperator,
  RichWithout,
} from './rich-dependency.js';
export {
  RICH_OPERATORS,
  formatRichDependency,
  isRichDependency,
  isRichOperator,
  parseRichDependency,
  richAtoms,
} from './rich-dependency.js';
export type { AtomProviders } from './evaluate-rich.js';
export { evaluateRich, richProviders } from './evaluate-rich.js';
export type { ArchVariant, SourceArch } from './arch.js';
export {
  ARCH_VARIANTS,
  SOURCE_ARCHES,
  baseArch,
  compatibleArches,
  isArchCompatible,
  isKnownArch,
  isNoarch,
  isSourceArch,
} from './arch.js';
export {
  SPEC_READERS,
  parseSpecText,
  sectionOf,
  type ParseSpecOptions,
  type SpecDependency,
  type SpecInfo,
  type SpecPackage,
  type SpecReader,
  type SpecSource,
} from './spec-parser.js';
export {
  SPEC_READ_MODES,
  defineArgs,
  readSpec,
  rpmSpecError,
  type ReadSpecOptions,
  type SpecReadMode,
} from './spec-reader.js';
export { editSpecForBuild, writeBuildSpec, type BuildSpecEdits } from './spec-editor.js';
export { changelogEntriesAdded, parseChangelog, type SpecChangelogEntry } from './spec-changelog.js';
// formatDependency: the one of dependency-string.ts above (same output).
export {
  dependencyNames,
  parseDependencyList,
  splitEvr,
  type DependencyListProblem,
} from './spec-dependencies.js';
export { createMacroTable, evaluateCondition, expandMacros, type MacroTable } from './spec-macros.js';
export { RPM_TAG, RpmHeader, parseLead, latin1ToUtf8, type RpmLead } from './rpm-header.js';
export {
  parseRpmLayout,
  readRpmFile,
  readRpmFileSync,
  readRpmFileSyncWithStat,
  type ReadRpmOptions,
  type RpmLayout,
} from './rpm-file-reader.js';
export {
  isPrimaryFile,
  limitChangelogs,
  packageFromHeader,
  type PackageFromHeaderOptions,
  type RpmFileFacts,
} from './package-from-header.js';
