import type { FastifyPluginAsync } from 'fastify';

import type { RoutePluginOptions } from '../api-context.js';
import { addRoute } from '../define-route.js';
import { remoteImportInput } from '../schemas/inputs.js';
import { errorResponse, remoteImportResponse } from '../schemas/responses.js';
import { importRemoteCommit } from '../services/remote-import.js';

/** POST /api/remote/import: import the builds of another instance's snapshot. */
export const remoteImportRoutes: FastifyPluginAsync<RoutePluginOptions> = (app, { ctx }) => {
  addRoute(app, ctx.routes, {
    method: 'POST',
    url: '/api/remote/import',
    operationId: 'remoteImport',
    summary: 'Import a commit built by another instance',
    description:
      "repo_url is the remote snapshot's URL; its commit.yaml, repodata, RPMs and logs are downloaded. A commit older " +
      "than the package's last build here is skipped, as DLRN does. Nothing is recorded unless commit.yaml passes " +
      'every check and, for a successful build, every RPM matches the snapshot repodata and is readable.',
    tags: ['builds'],
    access: 'write',
    input: remoteImportInput,
    status: 201,
    responses: {
      201: { description: 'Imported (or skipped as older)', schema: remoteImportResponse },
      400: {
        description: 'Invalid parameters, or the remote snapshot cannot be imported (every reason named)',
        schema: errorResponse,
      },
      401: { description: 'No or wrong credentials', schema: errorResponse },
      403: { description: 'The user lacks the write role', schema: errorResponse },
      409: {
        description: "The snapshot's directory holds a build recorded here (a RETRY being retried)",
        schema: errorResponse,
      },
      415: { description: 'The body is not JSON', schema: errorResponse },
      502: {
        description: 'The remote instance could not be read (network, timeout, HTTP error)',
        schema: errorResponse,
      },
    },
    handler: async ({ input, request }) => {
      // One import at a time, as DLRN's remote.lck.
      const result = await ctx.mutex.run(['remote-import'], () =>
        importRemoteCommit(
          {
            store: ctx.store,
            reposDir: ctx.reposDir,
            fetch: ctx.fetch,
            timeoutMs: ctx.downloadTimeoutMs,
            baseurl: ctx.baseurl,
            reponame: ctx.reponame,
            now: ctx.clock(),
            ...(ctx.publishImported ? { publish: ctx.publishImported } : {}),
          },
          input.repo_url,
        ),
      );
      request.log.info({ event: 'remote-import', url: input.repo_url, ...result }, 'remote import');
      return { repo_url: input.repo_url };
    },
  });
  return Promise.resolve();
};
