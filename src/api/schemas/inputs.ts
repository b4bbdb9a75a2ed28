import { z } from 'zod';

import { EARLIEST_TIME, latestAcceptedTime } from '../../util/time-range.js';
import {
  commitHashField,
  componentField,
  extendedHashField,
  FIELD_LIMITS,
  nameField,
  optional,
  pathNameField,
  systemClock,
  wireBool,
  wireCount,
  wireInt,
  wireStr,
  wireText,
  wireTime,
} from './wire-types.js';

/**
 * The input of every DLRN endpoint, one schema each, mirroring
 * `dlrn/api/inputs/*.py` (field names, optionality, lax types, the
 * cross-field rules of its root validators and their messages). Unknown
 * fields are ignored, as pydantic does. These schemas are the single source
 * of validation and of the OpenAPI document.
 */

/** DLRN's `MAX_LIMIT`: promotions, GraphQL and the vote pages return at most 100 rows. */
export const MAX_PAGE = 100;

const lastTestedFields = {
  max_age: wireInt.refine((value) => value >= 0, {
    message: 'Max age parameter must be greater than or equal to 0',
  }),
  success: optional(wireBool),
  job_id: optional(nameField),
  sequential_mode: optional(wireBool),
  previous_job_id: optional(nameField),
  component: optional(componentField),
};

function requirePreviousJob(
  value: { sequential_mode?: boolean | undefined; previous_job_id?: string | undefined },
  ctx: z.RefinementCtx,
): void {
  if (value.sequential_mode && value.previous_job_id === undefined) {
    ctx.addIssue({ code: 'custom', path: ['previous_job_id'], message: 'Missing parameter previous_job_id' });
  }
}

export const lastTestedRepoInput = z.object(lastTestedFields).superRefine(requirePreviousJob);
export type LastTestedRepoInput = z.output<typeof lastTestedRepoInput>;

export const lastTestedRepoPostInput = z
  .object({ ...lastTestedFields, reporting_job_id: nameField })
  .superRefine(requirePreviousJob);
export type LastTestedRepoPostInput = z.output<typeof lastTestedRepoPostInput>;

export const repoStatusInput = z.object({
  commit_hash: commitHashField,
  distro_hash: commitHashField,
  extended_hash: optional(extendedHashField),
  success: optional(wireBool),
});
export type RepoStatusInput = z.output<typeof repoStatusInput>;

export const aggStatusInput = z.object({
  aggregate_hash: commitHashField,
  success: optional(wireBool),
});
export type AggStatusInput = z.output<typeof aggStatusInput>;

export const promotionsInput = z
  .object({
    commit_hash: optional(commitHashField),
    distro_hash: optional(commitHashField),
    extended_hash: optional(extendedHashField),
    aggregate_hash: optional(commitHashField),
    promote_name: optional(nameField),
    offset: optional(wireCount),
    // DLRN caps the limit at 100 but applies none when it is absent (every
    // promotion ever made); ferry pages by 100 in both cases.
    limit: optional(wireCount).transform((limit) => Math.min(limit ?? MAX_PAGE, MAX_PAGE)),
    component: optional(componentField),
  })
  .superRefine((value, ctx) => {
    if (Boolean(value.commit_hash) !== Boolean(value.distro_hash)) {
      ctx.addIssue({
        code: 'custom',
        path: [value.commit_hash ? 'distro_hash' : 'commit_hash'],
        message: 'Both commit_hash and distro_hash must be specified if one of them is.',
      });
    }
  });
export type PromotionsInput = z.output<typeof promotionsInput>;

export const promoteInput = z
  .object({
    commit_hash: optional(commitHashField),
    distro_hash: optional(commitHashField),
    extended_hash: optional(extendedHashField),
    promote_name: pathNameField,
  })
  .superRefine((value, ctx) => {
    if (!value.commit_hash || !value.distro_hash) {
      ctx.addIssue({
        code: 'custom',
        path: [value.commit_hash ? 'distro_hash' : 'commit_hash'],
        message: 'Both commit_hash and distro_hash must be specified.',
      });
    }
  })
  .transform((value) => ({
    commit_hash: value.commit_hash!,
    distro_hash: value.distro_hash!,
    extended_hash: value.extended_hash,
    promote_name: value.promote_name,
  }));
export type PromoteInput = z.output<typeof promoteInput>;

/** promote-batch: a JSON array of promote inputs (at least one). */
export const promoteBatchInput = z
  .array(promoteInput, { error: 'expected a JSON array of promotions' })
  .min(1, { message: 'expected at least one promotion' })
  .max(1000, { message: 'at most 1000 promotions per batch' });
export type PromoteBatchInput = z.output<typeof promoteBatchInput>;

const DATE = /^(\d{4})-(\d{1,2})-(\d{1,2})$/;

/**
 * `YYYY-mm-dd` (UTC), as DLRN's `time.strptime(value, '%Y-%m-%d')`, to unix
 * seconds at 00:00 UTC; like every time a client sends, from 1970-01-01 to
 * one day past the server's clock.
 */
export function wireDate(clock: () => number = systemClock) {
  return wireText(32).transform((text, ctx) => {
    const match = DATE.exec(text);
    const [year, month, day] = match ? [Number(match[1]), Number(match[2]), Number(match[3])] : [0, 0, 0];
    const time = Date.UTC(year, month - 1, day);
    const back = new Date(time);
    if (
      !match ||
      back.getUTCFullYear() !== year ||
      back.getUTCMonth() !== month - 1 ||
      back.getUTCDate() !== day
    ) {
      ctx.addIssue({ code: 'custom', message: 'Invalid date format, it must be YYYY-mm-dd' });
      return z.NEVER;
    }
    const seconds = Math.floor(time / 1000);
    if (seconds < EARLIEST_TIME || seconds > latestAcceptedTime(clock())) {
      ctx.addIssue({
        code: 'custom',
        message: "out of range: from 1970-01-01 to one day past the server's clock",
      });
      return z.NEVER;
    }
    return seconds;
  });
}

export function metricsSchema(clock: () => number) {
  return z.object({
    start_date: wireDate(clock),
    end_date: wireDate(clock),
    package_name: optional(nameField),
  });
}
export const metricsInput = metricsSchema(systemClock);
export type MetricsInput = z.output<typeof metricsInput>;

/** report_result's input; `clock` bounds the timestamp (at most one day past it). */
export function reportResultSchema(clock: () => number) {
  return z
    .object({
      timestamp: wireTime(clock),
      success: wireBool,
      job_id: nameField,
      url: wireText(FIELD_LIMITS.url),
      commit_hash: optional(commitHashField),
      distro_hash: optional(commitHashField),
      extended_hash: optional(extendedHashField),
      aggregate_hash: optional(commitHashField),
      notes: optional(wireStr(FIELD_LIMITS.notes)).transform((notes) => notes ?? ''),
    })
    .superRefine((value, ctx) => {
      const fail = (path: string, message: string): void => {
        ctx.addIssue({ code: 'custom', path: [path], message });
      };
      if (!value.commit_hash && !value.distro_hash && !value.aggregate_hash) {
        fail(
          'aggregate_hash',
          'Either the aggregate hash or both commit_hash and distro_hash must be provided',
        );
      } else if (value.commit_hash && !value.distro_hash) {
        fail('distro_hash', 'If commit_hash is provided, distro_hash must be provided too');
      } else if (value.distro_hash && !value.commit_hash) {
        fail('commit_hash', 'If distro_hash is provided, commit_hash must be provided too');
      } else if (value.aggregate_hash && (value.commit_hash || value.distro_hash)) {
        fail('aggregate_hash', 'aggregate_hash and commit/distro_hash cannot be combined');
      }
    });
}
export const reportResultInput = reportResultSchema(systemClock);
export type ReportResultInput = z.output<typeof reportResultInput>;

export const remoteImportInput = z.object({
  repo_url: wireStr(FIELD_LIMITS.url).refine(
    (url) => {
      try {
        const parsed = new URL(url);
        return (parsed.protocol === 'http:' || parsed.protocol === 'https:') && parsed.hostname !== '';
      } catch {
        return false;
      }
    },
    { message: 'expected an http or https URL' },
  ),
});
export type RemoteImportInput = z.output<typeof remoteImportInput>;

export const recheckPackageInput = z.object({ package_name: nameField });
export type RecheckPackageInput = z.output<typeof recheckPackageInput>;

export const civotesInput = z.object({ offset: optional(wireCount) });
export type CivotesInput = z.output<typeof civotesInput>;

export const civotesDetailInput = z
  .object({
    commit_hash: optional(commitHashField),
    distro_hash: optional(commitHashField),
    component: optional(componentField),
    ci_name: optional(nameField),
    success: optional(wireBool),
    offset: optional(wireCount),
  })
  .superRefine((value, ctx) => {
    if ((!value.commit_hash || !value.distro_hash) && !value.component && !value.ci_name) {
      ctx.addIssue({
        code: 'custom',
        message: 'Please specify either commit_hash+distro_hash, component or ci_name as parameters.',
      });
    }
  });
export type CivotesDetailInput = z.output<typeof civotesDetailInput>;

export const civotesAggDetailInput = z
  .object({
    ref_hash: optional(commitHashField),
    ci_name: optional(nameField),
    success: optional(wireBool),
    offset: optional(wireCount),
  })
  .superRefine((value, ctx) => {
    if (!value.ref_hash && !value.ci_name) {
      ctx.addIssue({ code: 'custom', message: 'Please specify either ref_hash or ci_name as parameters.' });
    }
  });
export type CivotesAggDetailInput = z.output<typeof civotesAggDetailInput>;

export const reportPageInput = z.object({
  offset: optional(wireCount),
  package_name: optional(nameField),
  status: optional(z.enum(['SUCCESS', 'FAILED', 'RETRY'], { error: 'expected SUCCESS, FAILED or RETRY' })),
});
export type ReportPageInput = z.output<typeof reportPageInput>;
