import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { relative } from 'node:path';

import { buildWorkspaceApp } from '../api/index.js';
import { assertUserName, hashPassword, validateNewPassword, type Role } from '../auth/index.js';
import type { Workspace } from '../config/index.js';
import { FerryError } from '../errors.js';
import { parseCommitYaml, readAggregateHash, readLabel } from '../layout/index.js';
import { openStore } from '../store/index.js';

/** The API user the demo adds (`ferry user add demo-ci --role write`); its password is generated and never shown. */
export const DEMO_API_USER = 'demo-ci';
export const DEMO_API_ROLE: Role = 'write';
/** The CI job that votes. */
export const DEMO_CI_JOB = 'demo-ci-job';
/** Where the candidate is pinned so CI has a fixed aggregate hash to vote on (RDO: `tripleo-ci-testing`). */
export const DEMO_CANDIDATE = 'demo-ci-testing';
/** Where the promoter puts what passed (RDO: `current-tripleo`). */
export const DEMO_PROMOTION = 'demo-ci-passed';

export const API_STAGE_TITLE = 'CI votes and promotion over the API';
export const API_STAGE_STORY =
  "CI and a promoter talk to the DLRN-compatible API as RDO's do with dlrnapi: consistent is pinned under a name, " +
  'CI votes on its aggregate hash, and the promoter, seeing the vote, promotes the same commits.';

/** One request of the stage, with the dlrnapi command line that sends it (never the password). */
export interface DemoApiStep {
  readonly command: string;
  readonly request: string;
  readonly status: number;
}

/** What the API stage did (`ferry demo --json`: `api`). */
export interface DemoApiReport {
  readonly user: string;
  readonly role: Role;
  readonly jobId: string;
  readonly candidate: string;
  readonly promoteName: string;
  /** The aggregate hash voted on and promoted (md5 of `repos/<name>/delorean.repo`). */
  readonly aggregateHash: string;
  readonly steps: readonly DemoApiStep[];
  readonly vote: {
    readonly aggregateHash: string;
    readonly jobId: string;
    readonly success: boolean;
    readonly timestamp: number;
    readonly user: string | null;
  };
  /** The promotions to `promoteName`, as GET /api/promotions answered. */
  readonly promotions: readonly {
    readonly component: string | null;
    readonly commitHash: string;
    readonly distroHash: string;
    readonly aggregateHash: string | null;
    readonly user: string | null;
    readonly timestamp: number;
  }[];
  /** `component/<c>/<promoteName>` symlinks and their snapshots (relative to the workspace). */
  readonly labels: readonly { readonly label: string; readonly snapshot: string | null }[];
}

/** The fields of DLRN's Promotion, CIAggVote and ReportedResult answers the stage reads. */
interface WirePromotion {
  readonly commit_hash: string;
  readonly distro_hash: string;
  readonly extended_hash: string | null;
  readonly aggregate_hash: string | null;
  readonly component: string | null;
  readonly user: string | null;
  readonly timestamp: number;
}
interface WireVote {
  readonly aggregate_hash: string | null;
  readonly job_id: string;
  readonly success: boolean;
  readonly timestamp: number;
  readonly user: string | null;
}

const short = (hash: string): string => hash.slice(0, 7);

interface HashPair {
  readonly commit_hash: string;
  readonly distro_hash: string;
}

/** dlrnapi's `--hash-pairs`: full for `--json`, shortened (`…`) for the narrative. */
function hashPairs(items: readonly HashPair[], full: boolean): string {
  return items
    .map((p) =>
      full ? `${p.commit_hash}_${p.distro_hash}` : `${short(p.commit_hash)}…_${p.distro_hash.slice(0, 8)}…`,
    )
    .join(',');
}

/** One request: the dlrnapi arguments that send it (full, and as printed), method, path, parameters. */
interface Call {
  readonly args: string;
  readonly shown?: string;
  readonly method: 'GET' | 'POST';
  readonly path: string;
  /** GET: query parameters; POST: the JSON body. */
  readonly params: Readonly<Record<string, string>> | readonly unknown[];
  readonly expected: number;
}

/** A minimal dlrnapi: HTTP Basic on every request, GET parameters in the query, POST bodies as JSON. */
class DemoApiClient {
  readonly steps: DemoApiStep[] = [];
  readonly #authorization: string;

  constructor(
    readonly url: string,
    user: string,
    password: string,
  ) {
    this.#authorization = `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
  }

  /** A file of the repos/ tree, as CI reads `commit.yaml` or `delorean.repo` (not a dlrnapi step). */
  async file(path: string): Promise<string> {
    const response = await fetch(`${this.url}${path}`, {
      headers: { authorization: this.#authorization },
      signal: AbortSignal.timeout(60_000),
    });
    const text = await response.text();
    if (response.status !== 200)
      throw new FerryError('FERRY_EXEC_FAILED', `GET ${path} answered ${response.status}`);
    return text;
  }

  async call<T>(call: Call): Promise<T> {
    const { method, path, params } = call;
    const query =
      method === 'GET'
        ? `?${new URLSearchParams(params as Readonly<Record<string, string>>).toString()}`
        : '';
    const response = await fetch(`${this.url}${path}${query}`, {
      method,
      headers: {
        authorization: this.#authorization,
        ...(method === 'POST' ? { 'content-type': 'application/json' } : {}),
      },
      ...(method === 'POST' ? { body: JSON.stringify(params) } : {}),
      signal: AbortSignal.timeout(60_000),
    });
    const text = await response.text();
    this.steps.push({
      command: `dlrnapi --url ${this.url} ${call.args}`,
      request: `${method} ${path}`,
      status: response.status,
    });
    if (response.status !== call.expected) {
      let message = text.slice(0, 300);
      try {
        message = (JSON.parse(text) as { message?: string }).message ?? message;
      } catch {
        // not JSON: the text itself
      }
      throw new FerryError(
        'FERRY_EXEC_FAILED',
        `${method} ${path} answered ${response.status} (expected ${call.expected}): ${message}`,
      );
    }
    return JSON.parse(text) as T;
  }
}

/**
 * The demo's last stage: adds an API user with a generated password, starts
 * the API server (`buildWorkspaceApp`, as `ferry serve` does) on 127.0.0.1 and a free
 * port, and over HTTP pins the consistent snapshots as {@link DEMO_CANDIDATE},
 * votes on their aggregate hash, checks the vote, finds the aggregate's
 * commits and promotes them to {@link DEMO_PROMOTION}, printing the dlrnapi
 * command of every request. The server and the store are closed whatever
 * happens.
 */
export async function runApiStage(
  workspace: Workspace,
  out: (text: string) => void,
  components: readonly string[],
): Promise<DemoApiReport> {
  // The password is only ever in this variable and the Authorization header.
  const password = randomBytes(24).toString('base64url');
  const store = await openStore(workspace.databaseUrl);
  let app: Awaited<ReturnType<typeof buildWorkspaceApp>> | undefined;
  let report: DemoApiReport;
  try {
    // As `ferry user add demo-ci --role write` does it.
    assertUserName(DEMO_API_USER);
    if (await store.getUser(DEMO_API_USER))
      throw new FerryError('FERRY_CONFLICT', `user ${DEMO_API_USER} already exists`);
    await store.addUser({
      name: DEMO_API_USER,
      passwordHash: await hashPassword(validateNewPassword(password)),
      role: DEMO_API_ROLE,
    });
    out(`  ferry user add ${DEMO_API_USER} --role ${DEMO_API_ROLE}   (password <generated>)\n`);
    // What `ferry serve` builds (catalog lookups included), with its logger silent.
    app = await buildWorkspaceApp(workspace, store);
    await app.listen({ host: '127.0.0.1', port: 0 });
    const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    out(`  ferry serve --port 0   listening on ${url} (in this process, stopped at the end)\n`);
    out(`  export DLRNAPI_USERNAME=${DEMO_API_USER} DLRNAPI_PASSWORD=<generated>\n`);
    report = await conversation(new DemoApiClient(url, DEMO_API_USER, password), workspace, out, components);
  } finally {
    try {
      await app?.close();
    } finally {
      await store.close();
    }
  }
  out('  server stopped; the user, the vote and the promotions stay in the store\n');
  return report;
}

async function conversation(
  client: DemoApiClient,
  workspace: Workspace,
  out: (text: string) => void,
  components: readonly string[],
): Promise<DemoApiReport> {
  const total = 6;
  const step = async <T>(call: Call, describe: (answer: T) => string): Promise<T> => {
    out(`  [${client.steps.length + 1}/${total}] dlrnapi --url ${client.url} ${call.shown ?? call.args}\n`);
    const answer = await client.call<T>(call);
    out(`        ${call.method} ${call.path} ${client.steps.at(-1)!.status}: ${describe(answer)}\n`);
    return answer;
  };
  const promoteBatch = (items: readonly HashPair[], name: string): Call => ({
    args: `repo-promote-batch --promote-name ${name} --hash-pairs ${hashPairs(items, true)}`,
    shown: `repo-promote-batch --promote-name ${name} --hash-pairs ${hashPairs(items, false)}`,
    method: 'POST',
    path: '/api/promote-batch',
    params: items.map((p) => ({
      commit_hash: p.commit_hash,
      distro_hash: p.distro_hash,
      promote_name: name,
    })),
    expected: 201,
  });

  // What CI reads first: each component's consistent commit.yaml, served under /repos/ like any file.
  const candidates: (HashPair & { component: string; project: string })[] = [];
  for (const component of components) {
    const path = `/repos/component/${component}/consistent/commit.yaml`;
    const [commit] = parseCommitYaml(await client.file(path), path);
    if (!commit?.distroHash) throw new FerryError('FERRY_EXEC_FAILED', `${path} names no build`);
    candidates.push({
      commit_hash: commit.commitHash,
      distro_hash: commit.distroHash,
      component,
      project: commit.projectName,
    });
  }
  out(
    `  consistent (GET /repos/component/*/consistent/commit.yaml): ${candidates.map((c) => `${c.component} ${short(c.commit_hash)} (${c.project})`).join(', ')}\n`,
  );

  const pinned = await step<WirePromotion>(
    promoteBatch(candidates, DEMO_CANDIDATE),
    (p) => `pinned as ${DEMO_CANDIDATE}, aggregate hash ${p.aggregate_hash ?? 'none'}`,
  );
  const aggregateHash = pinned.aggregate_hash;
  if (!aggregateHash) throw new FerryError('FERRY_EXEC_FAILED', 'the promotion recorded no aggregate hash');
  if ((await readAggregateHash(workspace.reposDir, 'consistent')) === aggregateHash)
    out("        (consistent's aggregate hash too: the same snapshots, under a name that stays put)\n");

  const timestamp = Math.floor(Date.now() / 1000);
  const infoUrl = `https://ci.ferry.invalid/${DEMO_CI_JOB}/1`;
  const vote = await step<WireVote>(
    {
      args: `report-result --agg-hash ${aggregateHash} --job-id ${DEMO_CI_JOB} --info-url ${infoUrl} --timestamp ${timestamp} --success true`,
      method: 'POST',
      path: '/api/report_result',
      params: {
        aggregate_hash: aggregateHash,
        job_id: DEMO_CI_JOB,
        url: infoUrl,
        timestamp: String(timestamp),
        success: 'true',
      },
      expected: 201,
    },
    (v) => `${v.job_id} ${v.success ? 'passed' : 'failed'} on it, recorded for user ${v.user ?? 'none'}`,
  );
  const passing = await step<WireVote[]>(
    {
      args: `agg-status --agg-hash ${aggregateHash} --success true`,
      method: 'GET',
      path: '/api/agg_status',
      params: { aggregate_hash: aggregateHash, success: 'true' },
      expected: 200,
    },
    (votes) =>
      `the promoter's check: ${votes.length} passing vote${votes.length === 1 ? '' : 's'} (${votes.map((v) => v.job_id).join(', ')})`,
  );
  if (!passing.some((v) => v.job_id === DEMO_CI_JOB && v.success))
    throw new FerryError('FERRY_EXEC_FAILED', `agg_status does not show the vote of ${DEMO_CI_JOB}`);
  const byComponent = (a: WirePromotion, b: WirePromotion): number =>
    (a.component ?? '').localeCompare(b.component ?? '');
  const inAggregate = await step<WirePromotion[]>(
    {
      args: `promotion-get --agg-hash ${aggregateHash} --promote-name ${DEMO_CANDIDATE}`,
      method: 'GET',
      path: '/api/promotions',
      params: { aggregate_hash: aggregateHash, promote_name: DEMO_CANDIDATE },
      expected: 200,
    },
    (list) =>
      `the commits of the aggregate: ${[...list]
        .sort(byComponent)
        .map((p) => `${p.component ?? 'repo'} ${short(p.commit_hash)}`)
        .join(', ')}`,
  );
  const members = [...inAggregate].sort(byComponent);
  const promoted = await step<WirePromotion>(
    promoteBatch(members, DEMO_PROMOTION),
    (p) => `promoted to ${DEMO_PROMOTION}, aggregate hash ${p.aggregate_hash ?? 'none'}`,
  );
  const promotions = await step<WirePromotion[]>(
    {
      args: `promotion-get --promote-name ${DEMO_PROMOTION}`,
      method: 'GET',
      path: '/api/promotions',
      params: { promote_name: DEMO_PROMOTION },
      expected: 200,
    },
    (list) =>
      [...list]
        .sort(byComponent)
        .map((p) => `${p.component ?? 'repo'} ${short(p.commit_hash)} by ${p.user ?? 'nobody'}`)
        .join(', '),
  );
  const rows = [...promotions].sort(byComponent);

  // Where the API pointed the new label: read back from repos/, not from its answers.
  const labels: { label: string; snapshot: string | null }[] = [];
  const aggregateFile = `repos/${DEMO_PROMOTION}/delorean.repo`;
  const width = Math.max(
    aggregateFile.length,
    ...components.map((c) => `repos/component/${c}/`.length + DEMO_PROMOTION.length),
  );
  for (const component of components) {
    const target = await readLabel(workspace.reposDir, DEMO_PROMOTION, component);
    const snapshot = target ? relative(workspace.root, target.dir) : null;
    labels.push({ label: `component/${component}/${DEMO_PROMOTION}`, snapshot });
    out(
      `  ${`repos/component/${component}/${DEMO_PROMOTION}`.padEnd(width)} -> ${snapshot ?? '(missing)'}\n`,
    );
  }
  const written = await readAggregateHash(workspace.reposDir, DEMO_PROMOTION);
  out(`  ${aggregateFile.padEnd(width)}    joins them (aggregate hash ${written ?? 'none'})\n`);

  return {
    user: DEMO_API_USER,
    role: DEMO_API_ROLE,
    jobId: DEMO_CI_JOB,
    candidate: DEMO_CANDIDATE,
    promoteName: DEMO_PROMOTION,
    aggregateHash: promoted.aggregate_hash ?? aggregateHash,
    steps: client.steps,
    vote: {
      aggregateHash: vote.aggregate_hash ?? aggregateHash,
      jobId: vote.job_id,
      success: vote.success,
      timestamp: vote.timestamp,
      user: vote.user,
    },
    promotions: rows.map((p) => ({
      component: p.component,
      commitHash: p.commit_hash,
      distroHash: p.distro_hash,
      aggregateHash: p.aggregate_hash,
      user: p.user,
      timestamp: p.timestamp,
    })),
    labels,
  };
}
