import type { ProblemRef, ProblemSeverity } from './catalog-model.js';

/**
 * Problems each stage of loading (reading, merging, checking) keeps at
 * most; the others are only counted. A catalog of 28,000 packages with 100
 * bad maintainers each gave 2.8 million problems (2.2 GB, 24 s) of which
 * validate lists 10,000 (MAX_LISTED_PROBLEMS).
 */
export const MAX_KEPT_PROBLEMS = 100_000;

/** Counts of problems by severity. */
export type ProblemCounts = Record<ProblemSeverity, number>;

/**
 * An array of problems that stops growing at MAX_KEPT_PROBLEMS and counts
 * the ones it drops. It is an array so that the many places that `push` a
 * problem need no change; what is derived from it (`filter`, `map`) is a
 * plain array.
 */
export class ProblemList extends Array<ProblemRef> {
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }

  readonly dropped: ProblemCounts = { error: 0, warning: 0, notice: 0 };

  override push(...problems: ProblemRef[]): number {
    for (const problem of problems) {
      if (this.length < MAX_KEPT_PROBLEMS) super.push(problem);
      else this.dropped[problem.severity]++;
    }
    return this.length;
  }

  /** Adds the problems of another list, and what it dropped. */
  absorb(problems: readonly ProblemRef[]): void {
    for (const problem of problems) this.push(problem);
    const dropped = droppedOf(problems);
    for (const severity of ['error', 'warning', 'notice'] as const)
      this.dropped[severity] += dropped[severity];
  }
}

/** What a list of problems dropped (nothing for a plain array). */
export function droppedOf(problems: readonly ProblemRef[]): ProblemCounts {
  return problems instanceof ProblemList ? problems.dropped : { error: 0, warning: 0, notice: 0 };
}
