/**
 * The build driver contract. A driver turns a prepared spec and its sources
 * into RPMs; everything before (version, release, tarball, spec edits,
 * BuildRequires checks) and after (snapshot, repodata, labels, retries) is
 * the chaser's.
 *
 * Drivers that fit behind it, beyond the `rpmbuild` one ferry ships:
 * - mock: `mock --buildsrpm` then `mock --rebuild` in a chroot whose repos
 *   are `request.repositories` (the current snapshot and the lookaside
 *   repos), results and logs copied into `outputDir`/`logFile`;
 * - Koji/CBS: build the SRPM locally (`rpmbuild -bs`), `koji build --wait
 *   <target>` it, download the task's RPMs and logs into `outputDir` and
 *   `logFile`; the driver's own options (hub, target, auth) come from its
 *   factory, not from the request.
 * Each is a factory in the registry (driver-registry.ts) taking its options.
 */

export const BUILD_STATUSES = ['SUCCESS', 'FAILED'] as const;
/** A build either produced packages or did not; whether a failure is worth a retry is the caller's call, from the log. */
export type BuildStatus = (typeof BUILD_STATUSES)[number];

export function isBuildStatus(value: string): value is BuildStatus {
  return (BUILD_STATUSES as readonly string[]).includes(value);
}

export const BUILD_FAILURE_REASONS = ['exit', 'timeout', 'aborted', 'no-packages', 'error'] as const;
/**
 * Why a build failed: the builder exited non-zero (`exit`), ran out of time
 * (`timeout`), was cancelled (`aborted`), succeeded without producing an RPM
 * (`no-packages`), or could not be run at all (`error`).
 */
export type BuildFailureReason = (typeof BUILD_FAILURE_REASONS)[number];

/** One build to run. Paths are absolute or relative to the process's directory. */
export interface BuildRequest {
  /** Package (catalog) name, for messages and work directory names. */
  readonly packageName: string;
  /** The spec to build: the edited copy (see writeBuildSpec), never the distgit's own file. */
  readonly specPath: string;
  /** Every file the spec's Source/Patch lines name: the tarball, patches, other distgit files. */
  readonly sourcesDir: string;
  /** Version and Release the spec was set to (for the result and messages). */
  readonly version: string;
  readonly release: string;
  /** rpm macros defined for the build (`dist` and the distribution's others from ferry.yaml). */
  readonly macros: Readonly<Record<string, string | number>>;
  /** Where the produced RPMs and SRPM are put; created when missing. */
  readonly outputDir: string;
  /** The build log, written as the build runs (replaced when it exists). */
  readonly logFile: string;
  /** Milliseconds for the whole build, after which it is killed. */
  readonly timeoutMs: number;
  /** Cancels the build (the process tree is killed). */
  readonly signal?: AbortSignal;
  /**
   * Repositories (baseurls or directories) that satisfy BuildRequires, for
   * drivers that install them in a chroot (mock, Koji). The rpmbuild driver
   * builds with `--nodeps`: ferry has resolved BuildRequires beforehand.
   */
  readonly repositories?: readonly string[];
}

/** What came out of a build. */
export interface BuildResult {
  readonly status: BuildStatus;
  /** The driver's id. */
  readonly driver: string;
  /** Binary RPMs in `outputDir`, sorted. Empty on failure. */
  readonly rpms: readonly string[];
  /** The source RPM in `outputDir`, when one was produced (also on a failed binary build). */
  readonly srpm?: string;
  readonly logFile: string;
  /** The last lines of the log (up to 100), for the store and notifications. */
  readonly logTail: string;
  readonly reason?: BuildFailureReason;
  /** One line on why it failed. */
  readonly message?: string;
  readonly startedAt: Date;
  readonly finishedAt: Date;
}

/**
 * A build system behind one method. Implementations never throw for a
 * failed build (they return FAILED with the log); they throw FerryError only
 * for a request they cannot accept (bad paths, bad macro names).
 *
 * @example
 *   const driver = createBuildDriver('rpmbuild', {});
 *   const result = await driver.build({ packageName: 'foo', specPath, sourcesDir, version: '1.0.1',
 *     release: '0.20240305070809.d7f1b84', macros: { dist: '.el9' }, outputDir, logFile, timeoutMs: 3_600_000 });
 *   if (result.status === 'FAILED') console.log(result.logTail);
 */
export interface BuildDriver {
  readonly id: string;
  build(request: BuildRequest): Promise<BuildResult>;
}

/** Options every driver factory accepts; drivers read their own keys. */
export interface BuildDriverOptions {
  /** Where drivers make their temporary work directories (default the OS temp dir). */
  readonly workRoot?: string;
  /** Keep the work directory after the build (for debugging a build). */
  readonly keepWorkDir?: boolean;
}

export type BuildDriverFactory = (options: BuildDriverOptions) => BuildDriver;
