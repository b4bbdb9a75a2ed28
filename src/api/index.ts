/**
 * ferry's HTTP API: DLRN's REST API under /api (the dlrnapi client works
 * unchanged), GraphQL, DLRN's HTML pages, Prometheus /metrics, the OpenAPI
 * document and the repos/ tree. `buildApp(deps)` returns the Fastify app
 * without listening. docs/api.md describes the endpoints.
 */
export { buildApp, DEFAULT_BODY_LIMIT } from './build-app.js';
export { buildWorkspaceApp, catalogLookups } from './workspace-app.js';
export type { ApiDeps } from './api-deps.js';
export { HttpError, isHttpError } from './http-error.js';
export { Authenticator, type Identity, type AuthLogger, type AttemptContext } from './auth/authenticator.js';
export { CredentialCache } from './auth/credential-cache.js';
export { parseBasicCredentials, type BasicCredentials } from './auth/basic-credentials.js';
export { buildOpenApiDocument, type OpenApiDocument } from './openapi/openapi-document.js';
export {
  importRemoteCommit,
  type RemoteImportOptions,
  type RemoteImportResult,
} from './services/remote-import.js';
export { REPOS_PREFIX } from './routes/repos-static.js';
