/** Default repository name DLRN uses (`reponame` in projects.ini): files are `<reponame>.repo`. */
export const DEFAULT_REPONAME = 'delorean';

/** What a snapshot's `.repo` file points at. */
export interface RepoFileInput {
  /** `reponame` (default `delorean`); names the file and the section. */
  readonly reponame?: string;
  readonly projectName: string;
  readonly commitHash: string;
  /** Where `repos/` is served (ferry.yaml `baseurl`), used as given: DLRN appends `/<dir>`. */
  readonly baseurl: string;
  /** The snapshot directory relative to `repos/` (shardedCommitDir). */
  readonly shardedDir: string;
  /** With components the section is `<reponame>-component-<c>`. */
  readonly component?: string | null;
}

/**
 * A snapshot's `delorean.repo`, byte for byte as DLRN's `post_build_rpm` writes it.
 *
 * @example
 *   [delorean]
 *   name=delorean-python-foo-3a9326f2...
 *   baseurl=http://localhost:8080/repos/3a/93/3a9326f2..._024e24f0
 *   enabled=1
 *   gpgcheck=0
 *   priority=1
 */
export function renderDeloreanRepo(input: RepoFileInput): string {
  const reponame = input.reponame ?? DEFAULT_REPONAME;
  const component = input.component && input.component !== 'None' ? input.component : null;
  const id = component ? `${reponame}-component-${component}` : reponame;
  return (
    `[${id}]\nname=${reponame}-${input.projectName}-${input.commitHash}\n` +
    `baseurl=${input.baseurl}/${input.shardedDir}\nenabled=1\ngpgcheck=0\npriority=1\n`
  );
}
