import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';

import {
  isBuildStatus,
  type AggregateVoteRecord,
  type CiVoteRecord,
  type CommitRecord,
  type StoreApi,
  type TimestampRange,
} from '../../store/index.js';
import { isoSeconds } from '../../util/time-range.js';
import { MAX_PAGE } from '../schemas/inputs.js';
import type { ReadGate } from './read-gate.js';

/** What resolvers get per request. */
export interface GraphqlContext {
  readonly store: StoreApi;
  readonly packages: () => Promise<readonly string[]>;
  /** Commits already loaded for this request (CIVote.commit). */
  readonly commitCache: Map<number, Promise<CommitRecord | undefined>>;
  /** Every store read of a query goes through it: one at a time, the event loop served in between. */
  readonly gate: ReadGate;
}

/** graphene's relay global id: base64 of `Type:id`. */
export function globalId(type: string, id: number | string): string {
  return Buffer.from(`${type}:${id}`, 'utf8').toString('base64');
}

/** DLRN's paging: offset 0 and limit 100 by default, limit capped at 100 (and never negative here). */
function page(args: { offset?: number | null; limit?: number | null }): { offset: number; limit: number } {
  const limit = args.limit ?? MAX_PAGE;
  return { offset: Math.max(0, args.offset ?? 0), limit: Math.max(0, Math.min(limit, MAX_PAGE)) };
}

interface IntFilter {
  readonly gt?: number | null;
  readonly gte?: number | null;
  readonly lt?: number | null;
  readonly lte?: number | null;
  readonly eq?: number | null;
}

/**
 * The timestamp conditions of `timestamp:` and `where: {timestamp: …}`;
 * undefined when they cannot both hold (two different equalities).
 */
function timestampRange(
  timestamp: number | null | undefined,
  where: { timestamp?: IntFilter | null } | null | undefined,
): TimestampRange | null | undefined {
  const filter = where?.timestamp ?? {};
  const range: { gt?: number; gte?: number; lt?: number; lte?: number; eq?: number } = {};
  for (const key of ['gt', 'gte', 'lt', 'lte', 'eq'] as const) {
    const value = filter[key];
    if (value !== null && value !== undefined) range[key] = value;
  }
  if (timestamp) {
    if (range.eq !== undefined && range.eq !== timestamp) return undefined;
    range.eq = timestamp;
  }
  return Object.keys(range).length > 0 ? range : null;
}

/**
 * A stored time as DLRN's `Int` fields (GraphQL's 32-bit integers, as
 * graphene's): null when it does not fit (before 1901-12-13, after
 * 2038-01-19), where GraphQL would fail the whole field with an error.
 */
function graphqlInt(value: number | null): number | null {
  return value !== null && Number.isInteger(value) && value >= -(2 ** 31) && value < 2 ** 31 ? value : null;
}

function truthy<T>(value: T | null | undefined): value is T {
  return value !== null && value !== undefined && (value as unknown) !== '' && (value as unknown) !== 0;
}

/**
 * `YYYY-MM-DDTHH:MM:SS`, UTC, as graphene's DateTime of a naive datetime;
 * null for a stored number no date can show (total: the store may hold
 * such rows from older versions or imports).
 */
const dateTime = new GraphQLScalarType({
  name: 'DateTime',
  serialize: (value) => (typeof value === 'number' ? isoSeconds(value) : String(value)),
  parseValue: (value) => value,
  parseLiteral: (ast) => (ast.kind === Kind.STRING ? ast.value : null),
});

interface CommitsArgs {
  projectName?: string | null;
  component?: string | null;
  status?: string | null;
  offset?: number | null;
  limit?: number | null;
  commitHash?: string | null;
  distroHash?: string | null;
  extendedHash?: string | null;
}

interface CivoteArgs {
  commitId?: number | null;
  ciName?: string | null;
  ciVote?: boolean | null;
  ciInProgress?: boolean | null;
  timestamp?: number | null;
  user?: string | null;
  component?: string | null;
  offset?: number | null;
  limit?: number | null;
  where?: { timestamp?: IntFilter | null } | null;
}

interface CivoteAggArgs extends Omit<CivoteArgs, 'commitId' | 'component'> {
  refHash?: string | null;
  lastRefHash?: boolean | null;
}

/** The resolvers of DLRN's queries, over the store. Filters given as empty strings or 0 are ignored, as DLRN does. */
export const graphqlResolvers = {
  DateTime: dateTime,
  Query: {
    commits: async (_root: unknown, args: CommitsArgs, ctx: GraphqlContext): Promise<CommitRecord[]> => {
      if (truthy(args.status) && !isBuildStatus(args.status)) return [];
      return ctx.gate.run(() =>
        ctx.store.findCommits({
          // graphene queries every commit type.
          type: null,
          ...(truthy(args.projectName) ? { project: args.projectName } : {}),
          ...(truthy(args.component) ? { component: args.component } : {}),
          ...(truthy(args.status) && isBuildStatus(args.status) ? { status: args.status } : {}),
          ...(truthy(args.commitHash) ? { commitHash: args.commitHash } : {}),
          ...(truthy(args.distroHash) ? { distroHash: args.distroHash } : {}),
          // DLRN matches the extended hash with LIKE (`%` wildcards).
          ...(truthy(args.extendedHash) ? { extendedHashLike: args.extendedHash } : {}),
          ...page(args),
        }),
      );
    },
    civote: async (_root: unknown, args: CivoteArgs, ctx: GraphqlContext): Promise<CiVoteRecord[]> => {
      const range = timestampRange(args.timestamp, args.where);
      if (range === undefined) return [];
      return ctx.gate.run(() =>
        ctx.store.findVotes({
          ...(truthy(args.commitId) ? { commitId: args.commitId } : {}),
          ...(truthy(args.ciName) ? { ciName: args.ciName } : {}),
          ...(typeof args.ciVote === 'boolean' ? { ciVote: args.ciVote } : {}),
          ...(typeof args.ciInProgress === 'boolean' ? { ciInProgress: args.ciInProgress } : {}),
          ...(truthy(args.user) ? { user: args.user } : {}),
          ...(truthy(args.component) ? { component: args.component } : {}),
          ...(range ? { timestamp: range } : {}),
          ...page(args),
        }),
      );
    },
    civoteAgg: async (
      _root: unknown,
      args: CivoteAggArgs,
      ctx: GraphqlContext,
    ): Promise<AggregateVoteRecord[]> => {
      const range = timestampRange(args.timestamp, args.where);
      if (args.lastRefHash && (truthy(args.refHash) || range)) {
        throw new GraphQLError(
          'refHash/timestamp/where.timestamp and last_ref_hash cannot be provided in the same query',
        );
      }
      if (range === undefined) return [];
      return ctx.gate.run(() =>
        ctx.store.findAggregateVotes({
          ...(truthy(args.refHash) ? { refHash: args.refHash } : {}),
          ...(truthy(args.ciName) ? { ciName: args.ciName } : {}),
          ...(typeof args.ciVote === 'boolean' ? { ciVote: args.ciVote } : {}),
          ...(typeof args.ciInProgress === 'boolean' ? { ciInProgress: args.ciInProgress } : {}),
          ...(truthy(args.user) ? { user: args.user } : {}),
          ...(range ? { timestamp: range } : {}),
          ...(args.lastRefHash ? { lastRefHash: true } : {}),
          ...page(args),
        }),
      );
    },
    packageStatus: async (
      _root: unknown,
      args: { projectName?: string | null; status?: string | null },
      ctx: GraphqlContext,
    ): Promise<unknown[]> => {
      const packages = truthy(args.projectName)
        ? [args.projectName]
        : [...(await ctx.gate.run(() => ctx.packages()))];
      const last = await ctx.gate.run(() => ctx.store.lastBuildsPerProject({ projects: packages }));
      const lastGood = await ctx.gate.run(() =>
        ctx.store.lastBuildsPerProject({ projects: packages, status: 'SUCCESS' }),
      );
      const lastOf = new Map(last.map((commit) => [commit.projectName, commit]));
      const goodOf = new Map(lastGood.map((commit) => [commit.projectName, commit]));
      const result: unknown[] = [];
      packages.forEach((name, index) => {
        const build = lastOf.get(name);
        const status = build ? build.status : 'NO_BUILD';
        if (truthy(args.status) && args.status !== status) return;
        const entry: Record<string, unknown> = { id: String(index), projectName: name, status };
        if (build && status !== 'SUCCESS') {
          entry.lastSuccess = goodOf.get(name)?.dtBuild ?? 0;
          entry.firstFailureCommit = build.commitHash;
        }
        result.push(entry);
      });
      return result;
    },
  },
  Commit: {
    id: (commit: CommitRecord) => globalId('Commit', commit.id),
    dtCommit: (commit: CommitRecord) => graphqlInt(commit.dtCommit),
    dtDistro: (commit: CommitRecord) => graphqlInt(commit.dtDistro),
    dtExtended: (commit: CommitRecord) => graphqlInt(commit.dtExtended),
    dtBuild: (commit: CommitRecord) => graphqlInt(commit.dtBuild),
  },
  CIVote: {
    id: (vote: CiVoteRecord) => globalId('CIVote', vote.id),
    timestamp: (vote: CiVoteRecord) => graphqlInt(vote.timestamp),
    commit: (vote: CiVoteRecord, _args: unknown, ctx: GraphqlContext) => {
      let pending = ctx.commitCache.get(vote.commitId);
      if (!pending) {
        pending = ctx.gate.run(() => ctx.store.getCommit(vote.commitId));
        ctx.commitCache.set(vote.commitId, pending);
      }
      return pending;
    },
  },
  CIVoteAgg: {
    id: (vote: AggregateVoteRecord) => globalId('CIVoteAgg', vote.id),
    timestamp: (vote: AggregateVoteRecord) => graphqlInt(vote.timestamp),
  },
};
