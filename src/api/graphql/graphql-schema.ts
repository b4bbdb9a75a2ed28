/**
 * DLRN's read-only GraphQL schema (dlrn/api/graphql.py, graphene with
 * graphene-sqlalchemy): the same queries, arguments, types and camelCase
 * field names, so existing queries (DLRN's own web pages among them) run
 * unchanged. `id` fields are relay global ids, base64 of `Type:id`, as
 * graphene makes them.
 */
export const GRAPHQL_SCHEMA = /* GraphQL */ `
  "Date and time, ISO 8601 without zone (UTC)"
  scalar DateTime

  "A build of one upstream commit (DLRN's commits table)"
  type Commit {
    id: ID!
    type: String
    dtCommit: Int
    dtDistro: Int
    dtExtended: Int
    dtBuild: Int
    projectName: String
    repoDir: String
    distgitDir: String
    commitHash: String
    distroHash: String
    extendedHash: String
    commitBranch: String
    status: String
    component: String
    artifacts: String
    notes: String
    flags: Int
    versionsCsv: String
  }

  "A CI vote on a commit's repository"
  type CIVote {
    id: ID!
    commitId: Int!
    ciName: String
    ciUrl: String
    ciVote: Boolean
    ciInProgress: Boolean
    timestamp: Int
    notes: String
    user: String
    component: String
    commit: Commit
  }

  "A CI vote on an aggregate hash"
  type CIVoteAgg {
    id: ID!
    refHash: String!
    ciName: String
    ciUrl: String
    ciVote: Boolean
    ciInProgress: Boolean
    timestamp: Int
    notes: String
    user: String
  }

  input IntFilter {
    gt: Int
    gte: Int
    lt: Int
    lte: Int
    eq: Int
  }

  input CIVoteWhere {
    timestamp: IntFilter
  }

  input CIVoteAggWhere {
    timestamp: IntFilter
  }

  "The state of one package: its last build"
  type PackageStatus {
    "Unique identifier for package status"
    id: ID!
    "Name of the project"
    projectName: String!
    "Build status, can be one of SUCCESS, FAILED, RETRY or NO_BUILD"
    status: String!
    "If status is FAILED or RETRY, date and time of the last successful build"
    lastSuccess: DateTime
    "If status is FAILED or RETRY, source commit hash of the failed build"
    firstFailureCommit: String
  }

  type Query {
    commits(
      projectName: String
      component: String
      status: String
      offset: Int
      limit: Int
      commitHash: String
      distroHash: String
      extendedHash: String
    ): [Commit]
    civote(
      commitId: Int
      ciName: String
      ciVote: Boolean
      ciInProgress: Boolean
      timestamp: Int
      user: String
      component: String
      offset: Int
      limit: Int
      where: CIVoteWhere
    ): [CIVote]
    civoteAgg(
      refHash: String
      ciName: String
      ciVote: Boolean
      ciInProgress: Boolean
      timestamp: Int
      user: String
      offset: Int
      limit: Int
      lastRefHash: Boolean
      where: CIVoteAggWhere
    ): [CIVoteAgg]
    packageStatus(projectName: String, status: String): [PackageStatus]
  }
`;
