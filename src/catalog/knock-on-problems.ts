import type { ProblemRef } from './catalog-model.js';

/**
 * When a file of the catalog could not be read (YAML syntax error, a limit,
 * a missing or refused import), everything it held is missing: its
 * releases, templates, tags, package definitions. The checks then find
 * hundreds of problems that are only that (one syntax error in a copy of
 * rdoinfo's rdo.yml gave 1,940 errors and 388 warnings, the first one
 * "no releases section"). Those are left out; problems the missing content
 * cannot explain (a malformed value, a bad e-mail written in another file,
 * YAML errors of other files) are kept.
 */

/** Problems that content of another file could make go away: a section, field, template, tag or definition it may hold. */
const KNOCK_ON_CODES: ReadonlySet<string> = new Set([
  'missing-section',
  'missing-field',
  'unknown-template',
  'unknown-tag',
  'unknown-component',
  'unknown-buildsys-tag',
  'undefined-project',
]);

/** Whether a problem may only follow from the content of an unreadable file. */
export function isKnockOn(problem: Pick<ProblemRef, 'code' | 'message'>): boolean {
  if (KNOCK_ON_CODES.has(problem.code)) return true;
  // A `%(field)s` naming a field a missing template may define; a malformed `%` stays an error.
  return problem.code === 'substitution' && problem.message.includes(': no field ');
}

/** The problems to report for a catalog with `unreadable` files, and how many were left out. */
export function withoutKnockOns(
  problems: readonly ProblemRef[],
  unreadable: readonly string[],
): { readonly problems: readonly ProblemRef[]; readonly suppressed: number } {
  if (unreadable.length === 0) return { problems, suppressed: 0 };
  const kept = problems.filter((problem) => !isKnockOn(problem));
  return { problems: kept, suppressed: problems.length - kept.length };
}
