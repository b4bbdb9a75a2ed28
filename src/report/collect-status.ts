import { relative } from 'node:path';

import { listLabels, snapshotIdentity, type LabelTarget } from '../layout/index.js';
import type { StoreProblem } from '../store/index.js';
import {
  packageStatus,
  summarize,
  type LabelStatus,
  type PackageStatus,
  type ReportCommit,
  type StatusReport,
} from './package-status.js';
import { checkWorkspace } from './workspace-checks.js';

/** The store queries status needs (the store's StoreApi satisfies it). */
export interface StatusStore {
  lastBuildsPerProject(filter?: {
    readonly status?: 'SUCCESS' | 'FAILED' | 'RETRY';
  }): Promise<readonly ReportCommit[]>;
  findCommits(filter: {
    readonly project?: string;
    readonly status?: 'SUCCESS' | 'FAILED' | 'RETRY';
    readonly since?: number;
    readonly order?: 'asc' | 'desc';
    readonly limit?: number;
  }): Promise<readonly ReportCommit[]>;
  storeProblems(now: number): Promise<readonly StoreProblem[]>;
}

/** A package to report on: its name and component (from the catalog). */
export interface StatusPackage {
  readonly name: string;
  readonly component: string | null;
}

async function labelStatus(workspaceRoot: string, target: LabelTarget): Promise<LabelStatus> {
  // A label on a snapshot without commit.yaml (being recovered) shows where it points only.
  const { commitHash, project } = await snapshotIdentity(target.dir);
  return {
    label: target.label,
    component: target.component,
    snapshot: relative(workspaceRoot, target.dir),
    commitHash,
    project,
  };
}

/** Every label of the workspace: top level, then each component's. */
export async function collectLabels(
  workspaceRoot: string,
  reposDir: string,
  components: readonly string[],
): Promise<LabelStatus[]> {
  const targets = [...(await listLabels(reposDir))];
  for (const component of components) targets.push(...(await listLabels(reposDir, component)));
  return Promise.all(targets.map((t) => labelStatus(workspaceRoot, t)));
}

/**
 * `ferry status`: the status of every catalog package (and of every package
 * with builds that left the catalog), from three queries plus one per failing
 * package, where the labels point, what in `repos/` disagrees with them
 * (checkWorkspace), and the rows of the store ferry would refuse today.
 */
export async function collectStatus(
  store: StatusStore,
  packages: readonly StatusPackage[],
  paths: { readonly workspaceRoot: string; readonly reposDir: string },
  now: number,
): Promise<StatusReport> {
  const [lastAll, lastSuccess] = await Promise.all([
    store.lastBuildsPerProject(),
    store.lastBuildsPerProject({ status: 'SUCCESS' }),
  ]);
  const lastBy = new Map(lastAll.map((c) => [c.projectName, c]));
  const successBy = new Map(lastSuccess.map((c) => [c.projectName, c]));
  const known = new Map(packages.map((p) => [p.name, p]));
  for (const c of lastAll)
    if (!known.has(c.projectName)) known.set(c.projectName, { name: c.projectName, component: c.component });
  const rows: PackageStatus[] = [];
  for (const pkg of [...known.values()].sort((a, b) => a.name.localeCompare(b.name))) {
    const last = lastBy.get(pkg.name);
    const success = successBy.get(pkg.name);
    let firstFailure: ReportCommit | undefined;
    if (last !== undefined && last.status === 'FAILED') {
      [firstFailure] = await store.findCommits({
        project: pkg.name,
        status: 'FAILED',
        order: 'asc',
        limit: 1,
        ...(success?.dtBuild != null ? { since: success.dtBuild } : {}),
      });
    }
    rows.push(
      packageStatus(
        { name: pkg.name, component: pkg.component, last, lastSuccess: success, firstFailure },
        now,
      ),
    );
  }
  const components = [...new Set(rows.map((r) => r.component).filter((c): c is string => c !== null))].sort();
  // Aggregates join the catalog's components (as the chaser writes them).
  const catalogComponents = [
    ...new Set(packages.map((p) => p.component).filter((c): c is string => c !== null)),
  ].sort();
  return {
    generatedAt: now,
    summary: summarize(rows),
    labels: await collectLabels(paths.workspaceRoot, paths.reposDir, components),
    packages: rows,
    problems: await checkWorkspace(paths, catalogComponents),
    storeProblems: await store.storeProblems(now),
  };
}
