import type { CompiledQuery, Compilable, Kysely } from 'kysely';

import type { Database } from './schema.js';
import type { StoreContext } from './store-context.js';

/** Stands in a template for the parameter of that name. */
class Slot {
  constructor(readonly name: string) {}
}

interface Template {
  readonly compiled: CompiledQuery;
  /** For each parameter of the compiled query: the name of the value it takes, or undefined for a constant. */
  readonly slots: readonly (string | undefined)[];
}

const templates = new Map<string, Template>();

/** A query compiled once per dialect and shape; `parameters` fills in one run's values. */
export interface QueryTemplate<R> {
  readonly compiled: CompiledQuery<R>;
  parameters(values: object): unknown[];
}

/**
 * The template of a query (see runTemplate): built and compiled on first
 * use, with placeholders for the values, then kept for the process.
 */
export function queryTemplate<R, P extends object>(
  ctx: StoreContext,
  shape: string,
  build: (db: Kysely<Database>, values: P) => Compilable<R>,
): QueryTemplate<R> {
  const key = `${ctx.dialect}\u0000${shape}`;
  let template = templates.get(key);
  if (!template) {
    const placeholders = new Proxy({} as P, { get: (_target, name) => new Slot(String(name)) });
    const compiled = build(ctx.db, placeholders).compile();
    template = {
      compiled,
      slots: compiled.parameters.map((value) => (value instanceof Slot ? value.name : undefined)),
    };
    templates.set(key, template);
  }
  const { compiled, slots } = template;
  return {
    compiled,
    parameters: (values) =>
      compiled.parameters.map((constant, i) => {
        const name = slots[i];
        return name === undefined ? constant : (values as Record<string, unknown>)[name];
      }),
  };
}

/**
 * Runs a query built once per dialect and shape, then reused with new
 * values: for the API's hot queries, where building and compiling the
 * Kysely query cost more than running it (last_tested_repo: 60 % of the
 * request). `build` receives placeholders: each `values.x` it reads stands
 * for the value of `x` at every later run, so it must pass them into the
 * query as they are (as compared or inserted values, not in conditions or
 * arithmetic), and `shape` must name everything else that changes the SQL
 * text (which optional filters are present, booleans folded into it). On
 * SQLite the statement runs synchronously when the connection is idle.
 *
 * @example
 *   runTemplate(ctx, 'getUser', (db, p) => db.selectFrom('users').selectAll().where('username', '=', p.name), { name });
 */
export async function runTemplate<R, P extends object>(
  ctx: StoreContext,
  shape: string,
  build: (db: Kysely<Database>, values: P) => Compilable<R>,
  values: P,
): Promise<R[]> {
  return executeTemplate(ctx, queryTemplate(ctx, shape, build), values);
}

/** Runs a template with one run's values: synchronously on an idle SQLite connection, else through Kysely. */
export async function executeTemplate<R>(
  ctx: StoreContext,
  template: QueryTemplate<R>,
  values: object,
): Promise<R[]> {
  const parameters = template.parameters(values);
  const rows = ctx.direct?.run(template.compiled.sql, parameters);
  if (rows) return rows as R[];
  const result = await ctx.db.executeQuery<R>({ ...template.compiled, parameters });
  return result.rows;
}
