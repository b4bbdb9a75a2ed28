import { hostname } from 'node:os';
import { join, relative } from 'node:path';

import { packageNeeds, type BuildOrderInput } from '../build/index.js';
import type { Workspace } from '../config/index.js';
import { FerryError } from '../errors.js';
import { DEFAULT_REPONAME, shardedCommitDir } from '../layout/index.js';
import { collectStatus, REPORT_BUILDS, upstreamCommitUrl, writeReports } from '../report/index.js';
import { dependencyNames, parseSpecText } from '../rpm/index.js';
import type { BuildJobRecord } from '../store/index.js';
import { listFilesAt, packageSourcePaths, readFileAt } from '../vcs/index.js';
import { ProvidesIndex, RpmHeaderCache, type ProvidingPackage } from './build-requires.js';
import { runBuild, type BuildOutcome } from './build-runner.js';
import type { BuildReport, ChaseEvent, ChaseOptions, ChaseReport, ChaseServices } from './chase-types.js';
import type { BuildCandidate, ChasePackage } from './chase-model.js';
import { discoverBuilds } from './discovery.js';
import { loadLookaside } from './lookaside.js';
import { sendFailureNotice } from './notify.js';
import { DEFAULT_RETRY_PATTERNS } from './plan-candidates.js';
import { planQueue } from './plan-queue.js';
import { publishBuild, type PublishContext, type PublishResult } from './publish-build.js';
import { recoverWorkspace, rollBackPublish } from './recovery.js';

export type { BuildReport, ChaseEvent, ChaseOptions, ChaseReport, ChaseServices } from './chase-types.js';

/** `<workspace>/.ferry`: lock, publish journal, build work directories, caches. */
export function stateDirOf(workspace: Workspace): string {
  return join(workspace.root, '.ferry');
}

export function publishContextOf(services: ChaseServices): PublishContext {
  const { workspace } = services;
  return {
    store: services.store,
    workspaceRoot: workspace.root,
    reposDir: workspace.reposDir,
    stateDir: stateDirOf(workspace),
    baseurl: workspace.config.baseurl,
    reponame: DEFAULT_REPONAME,
    packages: services.catalog.packages,
    useComponents: services.catalog.useComponents,
    repodata: services.repodata,
  };
}

/** What each queued package BuildRequires from the others, read from its spec at the distgit commit to build. */
async function buildNeeds(
  sourcesDir: string,
  packages: readonly ChasePackage[],
  candidates: readonly BuildCandidate[],
): Promise<ReadonlyMap<string, ReadonlySet<string>>> {
  const inputs: BuildOrderInput[] = [];
  const firstDistro = new Map<string, string>();
  for (const c of candidates)
    if (!firstDistro.has(c.packageName)) firstDistro.set(c.packageName, c.distroHash);
  for (const pkg of packages) {
    const distroHash = firstDistro.get(pkg.name);
    if (distroHash === undefined) continue;
    const { distgit } = packageSourcePaths(sourcesDir, pkg.name);
    try {
      const files = await listFilesAt(
        distgit,
        distroHash,
        pkg.distgitPath === '' ? undefined : pkg.distgitPath,
      );
      const specs = files.filter((f) => f.type === 'blob' && f.path.endsWith('.spec'));
      const spec =
        specs.find((f) => f.path.endsWith(`/${pkg.name}.spec`) || f.path === `${pkg.name}.spec`) ?? specs[0];
      const text = spec ? await readFileAt(distgit, distroHash, spec.path) : undefined;
      if (text === undefined) continue;
      const info = parseSpecText(text, { file: spec!.path });
      inputs.push({
        name: pkg.name,
        buildRequires: info.buildRequires.flatMap((d) => dependencyNames(d)),
        provides: info.packages.flatMap((p) => [p.name, ...p.provides.map((d) => d.name)]),
      });
    } catch {
      // An unreadable spec orders nothing; its build reports the problem.
    }
  }
  return packageNeeds(inputs);
}

/** Resolves when `signal` aborts (never when there is none). */
function aborted(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolvePromise) => {
    if (!signal) return;
    if (signal.aborted) resolvePromise();
    else signal.addEventListener('abort', () => resolvePromise(), { once: true });
  });
}

/**
 * One pass of the trunk chaser (the caller holds the workspace lock):
 * recovery, discovery of new upstream and distgit commits, the build queue
 * (commit-time order, BuildRequires first), builds on `workers` workers,
 * each published strictly in queue order (snapshot, record, labels), failure
 * notifications, then the static report.
 */
export async function chaseOnce(services: ChaseServices, options: ChaseOptions = {}): Promise<ChaseReport> {
  const { workspace, store } = services;
  const config = workspace.config;
  const clock = services.clock ?? (() => Math.floor(Date.now() / 1000));
  const emit = options.onEvent ?? (() => undefined);
  const ctx = publishContextOf(services);

  const recovery = await recoverWorkspace(ctx);
  emit({ type: 'recovered', report: recovery });

  const all = services.catalog.packages;
  let scope = all;
  if (options.packages && options.packages.length > 0) {
    const unknown = options.packages.filter((name) => !all.some((p) => p.name === name));
    if (unknown.length > 0) {
      throw new FerryError(
        'FERRY_NOT_FOUND',
        `not a package of the release: ${unknown.join(', ')} (see ferry catalog list --release ${config.catalog.release ?? ''})`,
      );
    }
    scope = all.filter((p) => options.packages!.includes(p.name));
  }

  const discovered = await discoverBuilds(store, scope, {
    sourcesDir: workspace.sourcesDir,
    headOnly: options.headOnly ?? false,
    fetch: options.fetch ?? true,
    timeoutMs: 600_000,
  });
  const skipped = [
    ...services.catalog.skipped.map((s) => ({ package: s.name, reason: s.reason })),
    ...discovered.filter((d) => d.error !== null).map((d) => ({ package: d.pkg.name, reason: d.error! })),
  ];
  for (const s of skipped) emit({ type: 'skipped', package: s.package, reason: s.reason });

  const candidates = discovered.flatMap((d) => d.candidates);
  const built = new Set((await store.lastBuildRefs({ status: 'SUCCESS' })).map((c) => c.projectName));
  const queue = planQueue({
    candidates,
    needs: await buildNeeds(workspace.sourcesDir, all, candidates),
    built,
  });
  emit({ type: 'queued', builds: queue.items, cycles: queue.cycles });

  // Jobs a killed run left for commits that are no longer to be built (e.g. head-only moved on).
  const scanned = new Set(discovered.filter((d) => d.error === null).map((d) => d.pkg.name));
  const queuedKeys = new Set(queue.items.map((c) => `${c.packageName}:${c.commitHash}:${c.distroHash}`));
  for (const job of await store.pendingBuilds()) {
    if (
      scanned.has(job.projectName) &&
      !queuedKeys.has(`${job.projectName}:${job.commitHash}:${job.distroHash}`)
    ) {
      await store.abandonBuild(job);
    }
  }

  const builds = await runQueue(services, ctx, queue, { ...options, clock, emit });
  await writeWorkspaceReports(services, clock());
  return {
    recovery,
    packages: scope.length,
    skipped,
    cycles: queue.cycles,
    builds,
    stopped: options.signal?.aborted ?? false,
  };
}

interface QueueRunOptions extends ChaseOptions {
  readonly clock: () => number;
  readonly emit: (event: ChaseEvent) => void;
}

async function runQueue(
  services: ChaseServices,
  ctx: PublishContext,
  queue: ReturnType<typeof planQueue>,
  options: QueueRunOptions,
): Promise<BuildReport[]> {
  const { workspace, store } = services;
  const config = workspace.config;
  const total = queue.items.length;
  const workers = Math.max(1, options.workers ?? config.build.workers);
  const owner = `${hostname()}:${process.pid}`;
  const headers = new RpmHeaderCache();
  const lookaside: Promise<ProvidingPackage[]> = loadLookaside(config.build.lookaside, {
    workspaceRoot: workspace.root,
    cacheDir: join(ctx.stateDir, 'lookaside'),
    headers,
  });
  lookaside.catch(() => undefined);
  const providesIndex = async (): Promise<ProvidesIndex> => {
    const index = new ProvidesIndex(await lookaside);
    for (const commit of await store.lastBuildRefs({ status: 'SUCCESS' })) {
      for (const artifact of (commit.artifacts ?? '').split(',')) {
        if (artifact.endsWith('.rpm') && !artifact.endsWith('.src.rpm')) {
          index.add(await headers.read(join(workspace.root, artifact)));
        }
      }
    }
    return index;
  };
  const macros = { ...config.distro.macros, dist: config.distro.dist };
  const patterns = config.retry.patterns.length > 0 ? config.retry.patterns : DEFAULT_RETRY_PATTERNS;

  const published: { promise: Promise<void>; resolve: () => void }[] = queue.items.map(() => {
    let resolve!: () => void;
    const promise = new Promise<void>((r) => (resolve = r));
    return { promise, resolve };
  });
  interface Started {
    readonly job: BuildJobRecord | undefined;
    readonly outcome: Promise<BuildOutcome | null>;
    readonly t0: number;
  }
  const started = queue.items.map(() => {
    let settle!: (value: Started) => void;
    const promise = new Promise<Started>((r) => (settle = r));
    return { promise, settle };
  });
  let running = 0;
  const slotFreed: (() => void)[] = [];
  const waitForSlot = async (): Promise<void> => {
    while (running >= workers) await new Promise<void>((r) => slotFreed.push(r));
  };
  const stop = aborted(options.signal);

  // Starts builds in queue order as workers free up and what they need is published.
  const scheduler = async (): Promise<void> => {
    for (let i = 0; i < total; i++) {
      const item = queue.items[i]!;
      const settle = started[i]!.settle;
      await Promise.race([Promise.all(queue.waitFor[i]!.map((j) => published[j]!.promise)), stop]);
      await Promise.race([waitForSlot(), stop]);
      if (options.signal?.aborted) {
        settle({ job: undefined, outcome: Promise.resolve(null), t0: Date.now() });
        continue;
      }
      const pkg = services.catalog.packages.find((p) => p.name === item.packageName)!;
      const paths = packageSourcePaths(workspace.sourcesDir, pkg.name);
      const job = await store.startBuild(
        {
          projectName: item.packageName,
          commitHash: item.commitHash,
          distroHash: item.distroHash,
          extendedHash: item.extendedHash,
          commitBranch: item.commitBranch,
          component: ctx.useComponents ? item.component : null,
          dtCommit: item.commitTime,
          dtDistro: item.dtDistro,
          dtExtended: 0,
          repoDir: paths.upstream,
          distgitDir: paths.distgit,
        },
        { owner, staleAfter: 0, now: options.clock() },
      );
      if (!job) {
        settle({ job: undefined, outcome: Promise.resolve(null), t0: Date.now() });
        continue;
      }
      running++;
      options.emit({ type: 'started', index: i, total, build: item });
      const outcome = runBuild(
        {
          driver: services.driver,
          sourcesDir: workspace.sourcesDir,
          stateDir: ctx.stateDir,
          macros,
          timeoutMs: config.build.timeout * 1000,
          retryPatterns: patterns,
          maxRetries: config.retry.max,
          retriesSoFar: (j) => store.countRetries(j.projectName, j.commitHash, j.distroHash),
          providesIndex,
          ...(options.signal ? { signal: options.signal } : {}),
        },
        job,
        pkg,
      ).finally(() => {
        running--;
        slotFreed.splice(0).forEach((r) => r());
      });
      settle({ job, outcome, t0: Date.now() });
    }
  };
  const scheduling = scheduler();

  const reports: BuildReport[] = [];
  for (let i = 0; i < total; i++) {
    const item = queue.items[i]!;
    const { job, outcome: pending, t0 } = await started[i]!.promise;
    let outcome = await pending.catch((error: unknown): BuildOutcome => ({
      status: 'FAILED',
      files: [],
      logs: [],
      notes: `ferry could not run the build: ${(error as Error).message}`,
      version: null,
      release: null,
      aborted: false,
    }));
    const seconds = Math.round((Date.now() - t0) / 100) / 10;
    const pkg = services.catalog.packages.find((p) => p.name === item.packageName)!;
    if (!job || !outcome || outcome.aborted) {
      if (job) await store.abandonBuild(job);
      reports.push(reportOf(item, 'ABORTED', null, outcome, seconds));
      published[i]!.resolve();
      continue;
    }
    const finished = {
      job,
      pkg,
      status: outcome.status,
      files: outcome.files,
      logs: outcome.logs,
      notes: outcome.notes,
    };
    let result: PublishResult;
    try {
      result = await publishBuild(ctx, finished);
    } catch (error) {
      // A build that cannot be published (a broken RPM, a full disk) is recorded FAILED, as DLRN
      // does when its repo sync fails, instead of stopping the chaser on it at every run.
      await rollBackPublish(ctx);
      outcome = {
        ...outcome,
        status: 'FAILED',
        files: [],
        notes: `publishing the build failed: ${(error as Error).message}`,
      };
      result = await publishBuild(ctx, {
        ...finished,
        status: 'FAILED',
        files: [],
        logs: [],
        notes: outcome.notes,
      });
    }
    const report = reportOf(item, outcome.status, result, outcome, seconds, workspace.root);
    reports.push(report);
    options.emit({ type: 'published', index: i, total, report });
    published[i]!.resolve();
    if (outcome.status === 'FAILED') {
      const problems = await notifyFailure(services, pkg, result);
      if (problems.length > 0) options.emit({ type: 'notify-failed', package: pkg.name, problems });
    }
  }
  await scheduling;
  return reports;
}

function reportOf(
  item: BuildCandidate,
  status: BuildReport['status'],
  result: PublishResult | null,
  outcome: BuildOutcome | null,
  seconds: number,
  root = '',
): BuildReport {
  return {
    package: item.packageName,
    commitHash: item.commitHash,
    distroHash: item.distroHash,
    subject: item.subject,
    reason: item.reason,
    status,
    commitId: result?.commit.id ?? null,
    snapshot: result ? relative(root, result.dir) : null,
    version: outcome?.version ?? null,
    release: outcome?.release ?? null,
    seconds,
    notes: status === 'SUCCESS' ? null : (outcome?.notes ?? null),
    labels: result?.labels ?? [],
    failing: result?.failing ?? [],
    unbuilt: result?.unbuilt ?? [],
  };
}

async function notifyFailure(
  services: ChaseServices,
  pkg: ChasePackage,
  result: PublishResult,
): Promise<string[]> {
  const notify = services.workspace.config.notify;
  if (!notify.command && !notify.webhook) return [];
  if (!(await services.store.claimNotification(pkg.name))) return [];
  const commit = result.commit;
  const problems = await sendFailureNotice(notify, {
    event: 'build-failed',
    package: pkg.name,
    maintainers: pkg.maintainers,
    commitHash: commit.commitHash,
    distroHash: commit.distroHash,
    component: commit.component,
    status: commit.status,
    logUrl: `${services.workspace.config.baseurl}/${shardedCommitDir(commit)}`,
    notes: commit.notes ?? '',
  });
  await services.store.markNotified(commit.id);
  return problems;
}

/** Rewrites repos/report.html, status_report.html/.csv, status.json and styles.css. */
export async function writeWorkspaceReports(services: ChaseServices, now: number): Promise<void> {
  const { workspace, store, catalog } = services;
  const recent = await store.findCommits({ withoutStatus: 'RETRY', limit: REPORT_BUILDS });
  const status = await collectStatus(
    store,
    catalog.packages.map((p) => ({ name: p.name, component: p.component })),
    { workspaceRoot: workspace.root, reposDir: workspace.reposDir },
    now,
  );
  const upstreams = new Map(catalog.packages.map((p) => [p.name, upstreamCommitUrl(p.upstream)]));
  await writeReports(
    workspace.reposDir,
    { recent, status },
    {
      title: `ferry ${catalog.release ?? catalog.tag ?? ''}`.trim(),
      commitUrl: (project) => upstreams.get(project),
    },
  );
}
