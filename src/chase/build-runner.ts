import { appendFile, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { prepareBuild, type BuildDriver } from '../build/index.js';
import { readSpec } from '../rpm/index.js';
import type { BuildJobRecord } from '../store/index.js';
import { packageSourcePaths } from '../vcs/index.js';
import type { ChasePackage } from './chase-model.js';
import { killPointArmed } from './kill-points.js';
import { classifyFailure, logTail } from './plan-candidates.js';
import type { ProvidesIndex } from './build-requires.js';

/** What a build run needs besides the job. */
export interface BuildRunContext {
  readonly driver: BuildDriver;
  readonly sourcesDir: string;
  /** Work directories go under `<stateDir>/work`. */
  readonly stateDir: string;
  /** rpm macros of every build (`dist` and ferry.yaml's distro.macros). */
  readonly macros: Readonly<Record<string, string | number>>;
  readonly timeoutMs: number;
  readonly retryPatterns: readonly string[];
  readonly maxRetries: number;
  /** RETRY rows the store already has for this commit. */
  readonly retriesSoFar: (job: BuildJobRecord) => Promise<number>;
  /** The packages BuildRequires resolve against, as they are when the build starts. */
  readonly providesIndex: () => Promise<ProvidesIndex>;
  readonly signal?: AbortSignal;
}

/** The outcome of one build, before it is published. */
export interface BuildOutcome {
  readonly status: 'SUCCESS' | 'FAILED' | 'RETRY';
  /** Built RPMs and SRPM (absolute paths). */
  readonly files: readonly string[];
  /** The build log (absolute path). */
  readonly logs: readonly string[];
  /** `OK` or why it failed. */
  readonly notes: string;
  readonly version: string | null;
  readonly release: string | null;
  /** When the build was stopped by a graceful shutdown: not to be recorded. */
  readonly aborted: boolean;
}

/** Dies mid-build for the crash tests: once the build log has content, SIGKILL. */
function armDuringBuildKill(logFile: string): void {
  const timer = setInterval(() => {
    void stat(logFile).then(
      (s) => {
        if (s.size > 0) process.kill(process.pid, 'SIGKILL');
      },
      () => undefined,
    );
  }, 20);
  timer.unref();
}

/**
 * Builds one upstream commit of a package: prepares the sources and the spec
 * copy (DLRN's version, release and tarball), checks every BuildRequires
 * against the current snapshot and the lookaside repositories (a missing one
 * fails the build, named in the log), then runs the build driver. A failure
 * is RETRY when its log matches a retry pattern and the commit has retries
 * left, else FAILED.
 */
export async function runBuild(
  ctx: BuildRunContext,
  job: BuildJobRecord,
  pkg: ChasePackage,
): Promise<BuildOutcome> {
  const workDir = join(ctx.stateDir, 'work', `${job.id}-${job.attempt}`);
  const logFile = join(workDir, 'rpmbuild.log');
  await mkdir(workDir, { recursive: true });
  const paths = packageSourcePaths(ctx.sourcesDir, pkg.name);
  const fail = async (
    message: string,
    version: string | null = null,
    release: string | null = null,
  ): Promise<BuildOutcome> => {
    await appendFile(logFile, `\nferry: ${message}\n`);
    const status = classifyFailure(message, ctx.retryPatterns, await ctx.retriesSoFar(job), ctx.maxRetries);
    return { status, files: [], logs: [logFile], notes: message, version, release, aborted: false };
  };
  await writeFile(logFile, `ferry: building ${pkg.name} ${job.commitHash} with distgit ${job.distroHash}\n`);

  let prepared;
  try {
    prepared = await prepareBuild({
      packageName: pkg.name,
      upstreamDir: paths.upstream,
      commit: job.commitHash,
      distgitDir: paths.distgit,
      distroHash: job.distroHash,
      distgitPath: pkg.distgitPath,
      buildStart: new Date(job.dtBuild * 1000),
      workDir: join(workDir, 'prep'),
    });
  } catch (error) {
    return fail(`preparing the build failed: ${(error as Error).message}`);
  }
  const { version, release } = prepared;

  try {
    const spec = await readSpec(prepared.specPath, { defines: ctx.macros });
    const missing = await (await ctx.providesIndex()).missing(spec.buildRequires);
    if (missing.length > 0) {
      return fail(
        `missing BuildRequires (not in the current snapshot nor the lookaside repositories): ${missing.join(', ')}`,
        version,
        release,
      );
    }
  } catch (error) {
    return fail(`reading the spec failed: ${(error as Error).message}`, version, release);
  }

  if (killPointArmed('during-build')) armDuringBuildKill(logFile);
  const result = await ctx.driver.build({
    packageName: pkg.name,
    specPath: prepared.specPath,
    sourcesDir: prepared.sourcesDir,
    version,
    release,
    macros: ctx.macros,
    outputDir: join(workDir, 'out'),
    logFile: join(workDir, 'build.log'),
    timeoutMs: ctx.timeoutMs,
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  });
  // One log per build, named as DLRN's (rpmbuild.log): ferry's lines, then the driver's.
  await appendFile(logFile, await readFile(result.logFile, 'utf8').catch(() => ''));
  if (result.status === 'SUCCESS') {
    const files = [...result.rpms, ...(result.srpm ? [result.srpm] : [])];
    return { status: 'SUCCESS', files, logs: [logFile], notes: 'OK', version, release, aborted: false };
  }
  if (result.reason === 'aborted') {
    return {
      status: 'FAILED',
      files: [],
      logs: [logFile],
      notes: 'aborted',
      version,
      release,
      aborted: true,
    };
  }
  const log = await readFile(logFile, 'utf8').catch(() => result.logTail);
  const status = classifyFailure(log, ctx.retryPatterns, await ctx.retriesSoFar(job), ctx.maxRetries);
  const why = result.message ? `${result.message}\n` : '';
  return {
    status,
    files: [],
    logs: [logFile],
    notes: `${why}${logTail(result.logTail)}`,
    version,
    release,
    aborted: false,
  };
}
