import { runGit } from './git-command.js';
import { assertCommitHash } from './git-refs.js';

export interface DescribeOptions {
  /** Use lightweight tags too (`--tags`). */
  readonly tags?: boolean;
  /** Only the tag name (`--abbrev=0`). */
  readonly abbrev0?: boolean;
  /** Only a tag on the commit itself (`--exact-match`). */
  readonly exactMatch?: boolean;
  /** Glob patterns of tags to ignore (`--exclude`). */
  readonly exclude?: readonly string[];
}

/** `git describe` of a commit with the given options; undefined when git finds nothing to describe it with. */
export async function describeCommit(
  dir: string,
  commit: string,
  options: DescribeOptions = {},
): Promise<string | undefined> {
  assertCommitHash(commit);
  const args = ['describe'];
  if (options.tags) args.push('--tags');
  if (options.abbrev0) args.push('--abbrev=0');
  if (options.exactMatch) args.push('--exact-match');
  for (const pattern of options.exclude ?? []) args.push(`--exclude=${pattern}`);
  const result = await runGit(dir, [...args, commit], { allowFailure: true });
  const out = result.stdout.trim();
  return result.exitCode === 0 && out !== '' ? out : undefined;
}
