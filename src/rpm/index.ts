// Public surface of src/rpm: other modules import from here, never from the inner files.
export * from './package.js';
export type { VercmpResult } from './vercmp.js';
export { rpmvercmp } from './vercmp.js';
export type { Evr, EvrRange } from './evr.js';
export { compareEvr, evrSatisfies, formatEvr, parseEvr, rangesOverlap, senseBits } from './evr.js';
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
export {
  dependencyNames,
  formatDependency,
  parseDependencyList,
  splitEvr,
  type DependencyListProblem,
} from './spec-dependencies.js';
export { createMacroTable, evaluateCondition, expandMacros, type MacroTable } from './spec-macros.js';
