export {
  BUILD_FAILURE_REASONS,
  BUILD_STATUSES,
  isBuildStatus,
  type BuildDriver,
  type BuildDriverFactory,
  type BuildDriverOptions,
  type BuildFailureReason,
  type BuildRequest,
  type BuildResult,
  type BuildStatus,
} from './build-driver.js';
export { BUILD_DRIVERS, createBuildDriver, isBuildDriverId, type BuildDriverId } from './driver-registry.js';
export { RPMBUILD_DRIVER_ID, createRpmbuildDriver, type RpmbuildDriverOptions } from './drivers/rpmbuild.js';
export {
  buildableNow,
  describeCycles,
  packageNeeds,
  planBuildOrder,
  type BuildOrderInput,
  type BuildPlan,
} from './build-order.js';
export {
  RELEASE_NUMBERINGS,
  VERSION_STRIP_RULES,
  dlrnRelease,
  incrementLastComponent,
  isReleaseNumbering,
  releaseTimestamp,
  stripUpstreamVersion,
  type ReleaseNumbering,
  type StrippedVersion,
  type VersionStripRule,
} from './dlrn-version.js';
export {
  comparePbrVersions,
  incrementVersion,
  parsePbrVersion,
  pbrReleaseString,
  semver,
  toDev,
  type SemanticVersion,
} from './pbr-semver.js';
export {
  lastVersionTag,
  pbrVersion,
  pbrVersionFromHistory,
  semVerIncrement,
  versionTagsOfDecoration,
  type PbrHistory,
  type PbrLogRow,
} from './pbr-version.js';
export {
  IGNORED_TAG_PATTERNS,
  VERSION_SOURCES,
  iniValue,
  puppetVersion,
  staticPythonVersion,
  upstreamVersion,
  usesPbr,
  type UpstreamVersion,
  type VersionSource,
} from './upstream-version.js';
export { buildMacros } from './build-macros.js';
export { prepareBuild, type PrepareBuildOptions, type PreparedBuild } from './build-preparation.js';
export {
  SAMPLE_STYLES,
  createSampleRepositories,
  sampleBuildScript,
  samplePatch,
  samplePythonName,
  sampleSpec,
  sampleUpstreamFiles,
  type SampleRepositories,
  type SampleSpecOptions,
  type SampleStyle,
} from './sample-package.js';
