import Fastify, { LogController, type FastifyError, type FastifyInstance } from 'fastify';
import { pino } from 'pino';

import { hasRole } from '../auth/index.js';
import { isFerryError } from '../errors.js';
import { DEFAULT_REPONAME } from '../layout/index.js';
import type { ApiDeps } from './api-deps.js';
import type { ApiContext } from './api-context.js';
import { Authenticator, type Identity } from './auth/authenticator.js';
import { FailureTiming, LoginThrottle } from './auth/login-throttle.js';
import { RouteRegistry } from './define-route.js';
import { HttpError, isHttpError } from './http-error.js';
import { KeyedMutex } from './keyed-mutex.js';
import { CountsCache } from './metrics/counts-cache.js';
import { VoteBatcher } from './services/vote-batcher.js';
import { createApiMetrics } from './metrics/prometheus.js';
import { NON_JSON_BODY, parseForm, type NonJsonBody } from './request-input.js';
import { buildRoutes } from './routes/builds.js';
import { graphqlRoutes } from './routes/graphql.js';
import { healthRoutes } from './routes/health.js';
import { htmlPageRoutes } from './routes/html-pages.js';
import { lastTestedRepoRoutes } from './routes/last-tested-repo.js';
import { metaRoutes } from './routes/meta.js';
import { promotionRoutes } from './routes/promotions.js';
import { remoteImportRoutes } from './routes/remote-import.js';
import { reportResultRoutes } from './routes/report-result.js';
import { reposStaticRoutes } from './routes/repos-static.js';
import { voteStatusRoutes } from './routes/vote-status.js';
import { Promoter } from './services/promoter.js';

/** Default largest request body: a promote-batch of a thousand items fits many times over. */
export const DEFAULT_BODY_LIMIT = 1024 * 1024;

const ANONYMOUS: Identity = { kind: 'anonymous' };

function unauthorized(message: string): HttpError {
  return new HttpError(401, message, {
    headers: { 'www-authenticate': 'Basic realm="ferry", charset="UTF-8"' },
  });
}

function resolveContext(deps: ApiDeps, logger: ApiDeps['logger'] & object): ApiContext {
  const store = deps.store;
  const clock = deps.clock ?? (() => Math.floor(Date.now() / 1000));
  const reponame = deps.reponame ?? DEFAULT_REPONAME;
  const components = deps.components ?? (() => store.commitComponents());
  const packages =
    deps.packages ?? (async () => (await store.lastBuildsPerProject()).map((commit) => commit.projectName));
  const mutex = new KeyedMutex();
  const counts = new CountsCache(store, deps.metricsRefreshSeconds ?? 30);
  const baseurl = deps.baseurl.replace(/\/+$/, '');
  return {
    store,
    reposDir: deps.reposDir,
    baseurl,
    protectReads: deps.protectReads ?? false,
    clock,
    reponame,
    title: deps.title ?? 'ferry',
    components,
    packages,
    fetch: deps.fetch ?? fetch,
    downloadTimeoutMs: deps.downloadTimeoutMs ?? 45_000,
    publishImported: deps.publishImported,
    routes: new RouteRegistry(),
    auth: new Authenticator({
      store,
      logger,
      ...(deps.scryptParams ? { scryptParams: deps.scryptParams } : {}),
      throttle: new LoginThrottle(deps.loginThrottle),
      failureTiming: new FailureTiming(deps.failedLoginMinimumMs ?? 0),
    }),
    promoter: new Promoter({ store, reposDir: deps.reposDir, reponame, components, clock, mutex }),
    votes: new VoteBatcher(store),
    counts,
    metrics: createApiMetrics(counts, baseurl),
    mutex,
  };
}

/**
 * The ferry API as a Fastify app, not listening: DLRN's REST API under
 * /api (one plugin per resource in ./routes), GraphQL, HTML pages,
 * /metrics, /api/openapi.json and the repos/ tree. `ferry serve` listens
 * with it; tests call `app.inject()`. Close the app before the store.
 *
 * Every request is authenticated before its body is read (HTTP Basic
 * against the store's users; see Authenticator); writes need the `write`
 * role, reads the `read` role when `protectReads` is on. Every error is
 * `{"message": ...}` with DLRN's status codes; input is validated against
 * the routes' schemas before the store is touched; bodies are bounded.
 */
export async function buildApp(deps: ApiDeps): Promise<FastifyInstance> {
  const logger = deps.logger ?? pino({ level: 'silent' });
  const ctx = resolveContext(deps, logger);
  const bodyLimit = deps.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const app = Fastify({
    loggerInstance: logger,
    bodyLimit,
    // Per-request log lines are off: the latency histogram counts requests, and logins and writes are logged.
    logController: new LogController({ disableRequestLogging: true }),
    // Header and URL sizes are bounded by Node (16 KiB headers); parameters too.
    routerOptions: { maxParamLength: 1024 },
    return503OnClosing: true,
  });

  // The dlrnapi client sends its GET parameters as a JSON body as well.
  app.addHttpMethod('GET', { hasBody: true, overrideExisting: true });
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit },
    (_request, body, done) => {
      const parsed: NonJsonBody = { [NON_JSON_BODY]: true, form: parseForm(body as string) };
      done(null, parsed);
    },
  );
  // Any other media type is read (bounded) and set aside: GETs ignore it, JSON-only POSTs answer 415.
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit }, (_request, _body, done) => {
    const parsed: NonJsonBody = { [NON_JSON_BODY]: true };
    done(null, parsed);
  });

  // Every request gets its identity in the onRequest hook below (null until then).
  app.decorateRequest('identity', null as never);
  app.addHook('onRequest', async (request) => {
    const access = request.routeOptions.config?.access ?? 'read';
    if (access === 'public') {
      request.identity = ANONYMOUS;
      return;
    }
    const identity = await ctx.auth.identify(request.headers.authorization, () => ({
      method: request.method,
      path: request.url.split('?', 1)[0]!.slice(0, 256),
      ip: request.ip,
    }));
    if (identity.kind === 'rejected') throw unauthorized(identity.reason);
    if (identity.kind === 'throttled') {
      throw new HttpError(429, identity.reason, { headers: { 'retry-after': String(identity.retryAfter) } });
    }
    const needed = access === 'write' ? 'write' : ctx.protectReads ? 'read' : null;
    if (needed !== null) {
      if (identity.kind !== 'user') throw unauthorized('Authentication required');
      if (!hasRole(identity, needed)) {
        throw new HttpError(
          403,
          `User ${identity.name} (role ${identity.role}) may not do this: it needs the ${needed} role`,
        );
      }
    }
    request.identity = identity;
  });
  // A callback hook, not an async one: no promise per request for a synchronous observation.
  app.addHook('onResponse', (request, reply, done) => {
    ctx.metrics.observeRequest(
      request.method,
      request.routeOptions.url ?? 'unmatched',
      reply.statusCode,
      reply.elapsedTime / 1000,
    );
    done();
  });

  app.setErrorHandler((error: FastifyError | Error, request, reply) => {
    if (isHttpError(error)) {
      void reply.headers(error.headers);
      if (error.statusCode >= 500) request.log.warn({ err: error }, error.message);
      return reply.code(error.statusCode).send({ message: error.message });
    }
    const graphqlErrors = (error as { errors?: unknown }).errors;
    if ((error as FastifyError).code === 'MER_ERR_GQL_VALIDATION' && Array.isArray(graphqlErrors)) {
      // A query GraphQL refuses: GraphQL's `errors` list, plus the uniform `message`.
      const errors = graphqlErrors.map((e: { message?: unknown; locations?: unknown }) => ({
        message: String(e.message),
        ...(e.locations ? { locations: e.locations } : {}),
      }));
      return reply.code(400).send({ message: errors.map((e) => e.message).join('; '), data: null, errors });
    }
    if (isFerryError(error) && error.httpStatus < 500) {
      return reply.code(error.httpStatus).send({ message: error.message });
    }
    const status = (error as FastifyError).statusCode;
    if (!isFerryError(error) && typeof status === 'number' && status >= 400 && status < 500) {
      return reply.code(status).send({ message: error.message });
    }
    request.log.error(
      { err: error, method: request.method, url: request.routeOptions.url },
      'request failed',
    );
    return reply
      .code(500)
      .send({ message: `Internal server error${isFerryError(error) ? `: ${error.message}` : ''}` });
  });
  app.setNotFoundHandler((request, reply) =>
    reply
      .code(404)
      .send({ message: `Not found: ${request.method} ${request.url.split('?', 1)[0]!.slice(0, 200)}` }),
  );

  // Failed logins take the time of the slowest scheme in use from the first one on.
  ctx.auth
    .calibrate()
    .catch((error: unknown) => logger.warn({ err: error }, 'login timing calibration failed'));

  const options = { ctx };
  await app.register(healthRoutes, options);
  await app.register(lastTestedRepoRoutes, options);
  await app.register(voteStatusRoutes, options);
  await app.register(reportResultRoutes, options);
  await app.register(promotionRoutes, options);
  await app.register(buildRoutes, options);
  await app.register(remoteImportRoutes, options);
  await app.register(htmlPageRoutes, options);
  await app.register(graphqlRoutes, options);
  await app.register(metaRoutes, options);
  if (deps.serveRepos ?? true) await app.register(reposStaticRoutes, options);
  return app;
}
