import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import { GraphQLError, type GraphQLOutputType, type GraphQLSchema, type ValidationRule } from 'graphql';
import { getComplexity, type ComplexityEstimatorArgs } from 'graphql-query-complexity';

import { MAX_PAGE } from '../schemas/inputs.js';

/**
 * What a GraphQL query may ask for, checked before it runs: a query past any
 * of these is answered 400 with a message naming the limit, and never
 * reaches the store. DLRN's own pages ask for one list of at most 100 rows
 * (cost about 1,200; with each vote's commit about 3,600).
 */
export const GRAPHQL_LIMITS = {
  /** Characters of the query document. */
  maxQueryChars: 10_000,
  /** Tokens of the document (graphql-js stops parsing past them). */
  maxTokens: 1_000,
  /** Nesting depth of selections (the schema's deepest real query is 3). */
  maxDepth: 8,
  /** Aliased fields (graphql-armor). */
  maxAliases: 15,
  /** Directives (graphql-armor). */
  maxDirectives: 20,
  /** Fields, fragments and inline fragments walked to estimate the cost (fragment fan-out). */
  maxNodes: 2_000,
  /** Estimated cost, see queryCost. */
  maxCost: 10_000,
} as const;

/** Cost of one root query: one SQL statement, which may scan a table when its filters have no index. */
const STATEMENT_COST = 100;
/** Cost of a vote's `commit`: one lookup by key (cached within the request). */
const LOOKUP_COST = 5;
/** Rows assumed for packageStatus: its size is the catalog's, unknown before it runs (RDO's releases hold a few hundred). */
export const PACKAGE_STATUS_ROWS = 1_000;

/** The root fields answering a page of rows (DLRN's `limit`, default and cap 100). */
const PAGED_ROOT_FIELDS = new Set(['commits', 'civote', 'civoteAgg']);

// Types are told apart by their printed form (`[Commit]`, `__Type!`), not graphql's instanceof
// predicates: under vitest this module's graphql and mercurius' may be two copies of the library.
function isList(type: GraphQLOutputType): boolean {
  return String(type).startsWith('[');
}

function namedType(type: GraphQLOutputType): string {
  return String(type).replace(/[[\]!]/g, '');
}

/**
 * The largest list the introspection types can return for this schema
 * (types, fields of a type, arguments of a field, enum values, directives):
 * introspection answers from memory, but nested it multiplies like any list.
 */
function introspectionListSize(schema: GraphQLSchema): number {
  let largest = schema.getDirectives().length;
  const types = Object.values(schema.getTypeMap());
  largest = Math.max(largest, types.length);
  for (const type of types) {
    if ('getFields' in type) {
      const fields = Object.values(type.getFields());
      largest = Math.max(largest, fields.length);
      for (const field of fields) {
        const args = (field as { readonly args?: readonly unknown[] }).args;
        if (args) largest = Math.max(largest, args.length);
      }
    }
    if ('getValues' in type) largest = Math.max(largest, type.getValues().length);
  }
  return largest;
}

/**
 * The cost estimate of a field: 1 per value, each list multiplied by the
 * rows it may return (DLRN's `limit`, at most 100; a variable or no limit
 * counts as 100), each root query adding the cost of its statement and each
 * vote's commit the cost of its lookup. It follows what the server does per
 * value, so it bounds both the work and the size of the answer.
 */
function queryCostEstimator(schema: GraphQLSchema): (args: ComplexityEstimatorArgs) => number {
  const queryType = schema.getQueryType();
  const introspectionRows = introspectionListSize(schema);
  return ({ type, field, args, childComplexity }) => {
    const perRow = 1 + childComplexity;
    if (type === queryType && PAGED_ROOT_FIELDS.has(field.name)) {
      const asked = typeof args.limit === 'number' ? args.limit : MAX_PAGE;
      return STATEMENT_COST + Math.max(0, Math.min(asked, MAX_PAGE)) * perRow;
    }
    if (type === queryType && field.name === 'packageStatus') {
      const rows = typeof args.projectName === 'string' && args.projectName !== '' ? 1 : PACKAGE_STATUS_ROWS;
      return 2 * STATEMENT_COST + rows * perRow;
    }
    if (type.name === 'CIVote' && field.name === 'commit') return LOOKUP_COST + childComplexity;
    if (namedType(field.type).startsWith('__') && isList(field.type)) {
      return introspectionRows * perRow;
    }
    return perRow;
  };
}

/** What the rules need of the request: the cost depends on the variables (`limit: $n`). */
export interface QueryRequest {
  readonly variables?: Record<string, unknown> | null | undefined;
  readonly operationName?: string | null | undefined;
}

function limitError(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'QUERY_LIMIT' } });
}

const estimatorsOf = new WeakMap<GraphQLSchema, ((args: ComplexityEstimatorArgs) => number)[]>();

/** The cost rule: the estimate of every operation of the document against GRAPHQL_LIMITS.maxCost. */
function queryCostRule(request: QueryRequest): ValidationRule {
  return (context) => ({
    Document: {
      enter(document) {
        const schema = context.getSchema();
        let estimators = estimatorsOf.get(schema);
        if (!estimators) {
          estimators = [queryCostEstimator(schema)];
          estimatorsOf.set(schema, estimators);
        }
        let cost: number;
        try {
          cost = getComplexity({
            schema,
            query: document,
            estimators,
            maxQueryNodes: GRAPHQL_LIMITS.maxNodes,
            ...(request.variables ? { variables: request.variables } : {}),
            ...(request.operationName ? { operationName: request.operationName } : {}),
          });
        } catch (error) {
          // Past maxNodes (fragments spread into each other), or variables GraphQL refuses anyway.
          const reason = error instanceof Error ? error.message : String(error);
          context.reportError(
            limitError(
              /maximum allowed number of nodes/.test(reason)
                ? `Query too large: more than ${GRAPHQL_LIMITS.maxNodes} fields and fragments once fragments are expanded`
                : reason,
            ),
          );
          return false;
        }
        if (cost > GRAPHQL_LIMITS.maxCost) {
          context.reportError(
            limitError(
              `Query too costly: estimated cost ${cost}, at most ${GRAPHQL_LIMITS.maxCost} ` +
                '(each value counts 1, lists by their limit, at most 100 rows; ask for fewer fields, rows or aliases)',
            ),
          );
        }
        return undefined;
      },
    },
  });
}

/**
 * The validation rules that bound a query before it runs: aliases and
 * directives (graphql-armor, reporting instead of throwing so the answer is
 * a 400 naming the limit) and the estimated cost. Size, tokens and depth are
 * bounded by the route and mercurius' own options.
 */
export function queryLimitRules(request: QueryRequest): ValidationRule[] {
  const report = (context: { reportError(error: GraphQLError): void }, error: GraphQLError) =>
    context.reportError(limitError(error.message.replace(/^Syntax Error: /, '')));
  return [
    maxAliasesRule({
      n: GRAPHQL_LIMITS.maxAliases,
      propagateOnRejection: false,
      onReject: [report as never],
    }),
    maxDirectivesRule({
      n: GRAPHQL_LIMITS.maxDirectives,
      propagateOnRejection: false,
      onReject: [report as never],
    }),
    queryCostRule(request),
  ];
}
