import type { FastifyPluginAsync, FastifyReply } from 'fastify';

import type { CommitRecord } from '../../store/index.js';
import type { RoutePluginOptions } from '../api-context.js';
import { addRoute } from '../define-route.js';
import { renderFrontPage } from '../html/front-page.js';
import { renderReportPage } from '../html/report-page.js';
import {
  renderCiVotesAggDetailPage,
  renderCiVotesAggPage,
  renderCiVotesDetailPage,
  renderCiVotesPage,
} from '../html/vote-pages.js';
import {
  civotesAggDetailInput,
  civotesDetailInput,
  civotesInput,
  MAX_PAGE,
  reportPageInput,
} from '../schemas/inputs.js';
import { errorResponse } from '../schemas/responses.js';

function html(reply: FastifyReply, text: string): string {
  void reply.type('text/html; charset=utf-8');
  return text;
}

const HTML = 'text/html';

/** DLRN's HTML pages under /api: civotes, civotes_detail, civotes_agg, civotes_agg_detail, report; and `/`. */
export const htmlPageRoutes: FastifyPluginAsync<RoutePluginOptions> = (app, { ctx }) => {
  const badInput = { 400: { description: 'Invalid parameters', schema: errorResponse } };

  addRoute(app, ctx.routes, {
    method: 'GET',
    url: '/',
    operationId: 'frontPage',
    summary: 'Front page: links to the HTML pages, repos/, the OpenAPI document and the metrics',
    tags: ['pages'],
    access: 'read',
    responses: { 200: { description: 'HTML page', contentType: HTML } },
    handler: ({ reply }) => Promise.resolve(html(reply, renderFrontPage(ctx.title))),
  });

  addRoute(app, ctx.routes, {
    method: 'GET',
    url: '/api/civotes.html',
    operationId: 'civotesPage',
    summary: 'CI votes, newest first, grouped by repository (100 votes a page)',
    tags: ['pages'],
    access: 'read',
    input: civotesInput,
    responses: { 200: { description: 'HTML page', contentType: HTML }, ...badInput },
    handler: async ({ input, reply }) => {
      const offset = input.offset ?? 0;
      const result = await ctx.store.repoVotePage({ offset, limit: MAX_PAGE });
      return html(
        reply,
        renderCiVotesPage(result.rows, result.count, { title: ctx.title, offset, limit: MAX_PAGE }),
      );
    },
  });

  addRoute(app, ctx.routes, {
    method: 'GET',
    url: '/api/civotes_detail.html',
    operationId: 'civotesDetailPage',
    summary: 'The votes of one repository, component or CI job',
    tags: ['pages'],
    access: 'read',
    input: civotesDetailInput,
    responses: { 200: { description: 'HTML page', contentType: HTML }, ...badInput },
    handler: async ({ input, reply }) => {
      const offset = input.offset ?? 0;
      let commitId: number | undefined;
      if (input.commit_hash && input.distro_hash) {
        const commit = await ctx.store.findSuccessfulCommit({
          commitHash: input.commit_hash,
          distroHash: input.distro_hash,
        });
        // DLRN shows an empty page for an unknown repository.
        commitId = commit?.id ?? -1;
      }
      const votes = await ctx.store.findVotes({
        ...(commitId === undefined ? {} : { commitId }),
        ...(input.ci_name === undefined ? {} : { ciName: input.ci_name }),
        ...(input.component === undefined ? {} : { component: input.component }),
        ...(input.success === undefined ? {} : { ciVote: input.success }),
        limit: MAX_PAGE,
        offset,
      });
      const commits = new Map<number, CommitRecord>();
      for (const id of new Set(votes.map((vote) => vote.commitId))) {
        const commit = await ctx.store.getCommit(id);
        if (commit) commits.set(id, commit);
      }
      const filter = {
        commitHash: input.commit_hash,
        distroHash: input.distro_hash,
        component: input.component,
        ciName: input.ci_name,
        success: input.success,
      };
      return html(
        reply,
        renderCiVotesDetailPage(votes, commits, filter, { title: ctx.title, offset, limit: MAX_PAGE }),
      );
    },
  });

  addRoute(app, ctx.routes, {
    method: 'GET',
    url: '/api/civotes_agg.html',
    operationId: 'civotesAggPage',
    summary: 'CI votes on aggregates, newest first, grouped by aggregate hash',
    tags: ['pages'],
    access: 'read',
    input: civotesInput,
    responses: { 200: { description: 'HTML page', contentType: HTML }, ...badInput },
    handler: async ({ input, reply }) => {
      const offset = input.offset ?? 0;
      const result = await ctx.store.aggregateVotePage({ offset, limit: MAX_PAGE });
      return html(
        reply,
        renderCiVotesAggPage(result.rows, result.count, { title: ctx.title, offset, limit: MAX_PAGE }),
      );
    },
  });

  addRoute(app, ctx.routes, {
    method: 'GET',
    url: '/api/civotes_agg_detail.html',
    operationId: 'civotesAggDetailPage',
    summary: 'The votes on one aggregate hash or by one CI job',
    tags: ['pages'],
    access: 'read',
    input: civotesAggDetailInput,
    responses: { 200: { description: 'HTML page', contentType: HTML }, ...badInput },
    handler: async ({ input, reply }) => {
      const offset = input.offset ?? 0;
      const votes = await ctx.store.findAggregateVotes({
        ...(input.ref_hash === undefined ? {} : { refHash: input.ref_hash }),
        ...(input.ci_name === undefined ? {} : { ciName: input.ci_name }),
        ...(input.success === undefined ? {} : { ciVote: input.success }),
        limit: MAX_PAGE,
        offset,
      });
      const filter = { refHash: input.ref_hash, ciName: input.ci_name, success: input.success };
      return html(
        reply,
        renderCiVotesAggDetailPage(votes, filter, { title: ctx.title, offset, limit: MAX_PAGE }),
      );
    },
  });

  addRoute(app, ctx.routes, {
    method: 'GET',
    url: '/api/report.html',
    operationId: 'reportPage',
    summary: 'The newest builds with links to their repositories and logs',
    tags: ['pages'],
    access: 'read',
    input: reportPageInput,
    responses: { 200: { description: 'HTML page', contentType: HTML }, ...badInput },
    handler: async ({ input, reply }) => {
      const offset = input.offset ?? 0;
      const commits = await ctx.store.findCommits({
        ...(input.package_name === undefined ? {} : { project: input.package_name }),
        ...(input.status === undefined ? {} : { status: input.status }),
        limit: MAX_PAGE,
        offset,
      });
      const filter = { packageName: input.package_name, status: input.status };
      return html(
        reply,
        renderReportPage(commits, ctx.baseurl, filter, { title: ctx.title, offset, limit: MAX_PAGE }),
      );
    },
  });
  return Promise.resolve();
};
