import { z } from 'zod';

/**
 * What each endpoint returns, with DLRN's field names and JSON types (the
 * dlrnapi client's models: `Repo`, `CIVote`, `CIAggVote`, `Promotion`,
 * `Metrics`, `ModelImport`, `RecheckResponse`). Used for the OpenAPI document
 * and by the contract tests, which parse every response with them strictly.
 */

const nullableString = z.string().nullable();

/** Every error: DLRN's InvalidUsage body. */
export const errorResponse = z.strictObject({ message: z.string() }).meta({ id: 'Error' });

export const healthResponse = z.strictObject({ result: z.string() }).meta({ id: 'Health' });

/** last_tested_repo (GET and POST): DLRN's `Repo` model. */
export const repoResponse = z
  .strictObject({
    commit_hash: z.string(),
    distro_hash: z.string(),
    extended_hash: nullableString,
    timestamp: z.number().int(),
    job_id: nullableString,
    success: z.boolean(),
    in_progress: z.boolean(),
    user: nullableString,
    component: nullableString,
  })
  .meta({ id: 'Repo' });

/** One vote of repo_status (DLRN's `CIVote`). */
export const voteResponse = z
  .strictObject({
    timestamp: z.number().int(),
    commit_hash: z.string(),
    distro_hash: z.string(),
    extended_hash: nullableString,
    job_id: nullableString,
    success: z.boolean(),
    in_progress: z.boolean(),
    url: nullableString,
    notes: nullableString,
    user: nullableString,
    component: nullableString,
  })
  .meta({ id: 'CIVote' });

/** One vote of agg_status (DLRN's `CIAggVote`). */
export const aggregateVoteResponse = z
  .strictObject({
    timestamp: z.number().int(),
    aggregate_hash: z.string(),
    job_id: nullableString,
    success: z.boolean(),
    in_progress: z.boolean(),
    url: nullableString,
    notes: nullableString,
    user: nullableString,
  })
  .meta({ id: 'CIAggVote' });

/** report_result's echo of the recorded vote. */
export const reportResultResponse = z
  .strictObject({
    commit_hash: nullableString,
    distro_hash: nullableString,
    extended_hash: nullableString,
    aggregate_hash: nullableString,
    timestamp: z.number().int(),
    job_id: z.string(),
    success: z.boolean(),
    in_progress: z.boolean(),
    url: z.string(),
    notes: z.string(),
    user: nullableString,
    component: nullableString,
  })
  .meta({ id: 'ReportedResult' });

/** A promotion (promotions list, promote and promote-batch). */
export const promotionResponse = z
  .strictObject({
    timestamp: z.number().int(),
    commit_hash: z.string(),
    distro_hash: z.string(),
    extended_hash: nullableString,
    aggregate_hash: nullableString,
    repo_hash: z.string(),
    repo_url: z.string(),
    promote_name: z.string(),
    component: nullableString,
    user: nullableString,
  })
  .meta({ id: 'Promotion' });

export const componentsResponse = z
  .strictObject({ components: z.array(z.string()) })
  .meta({ id: 'Components' });

export const metricsResponse = z
  .strictObject({ succeeded: z.number().int(), failed: z.number().int(), total: z.number().int() })
  .meta({ id: 'Metrics' });

export const remoteImportResponse = z.strictObject({ repo_url: z.string() }).meta({ id: 'Import' });

export const recheckResponse = z.strictObject({ result: z.string() }).meta({ id: 'RecheckResponse' });

export type RepoResponse = z.infer<typeof repoResponse>;
export type VoteResponse = z.infer<typeof voteResponse>;
export type AggregateVoteResponse = z.infer<typeof aggregateVoteResponse>;
export type ReportResultResponse = z.infer<typeof reportResultResponse>;
export type PromotionResponse = z.infer<typeof promotionResponse>;
