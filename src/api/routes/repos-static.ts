import { realpath } from 'node:fs/promises';
import { relative, resolve, sep } from 'node:path';

import fastifyStatic, { type ListDir, type ListFile } from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';

import type { RoutePluginOptions } from '../api-context.js';
import { escapeHtml } from '../html/html.js';
import { HttpError } from '../http-error.js';

export const REPOS_PREFIX = '/repos/';

function inside(root: string, target: string): boolean {
  const rel = relative(root, target);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !rel.startsWith('/'));
}

function renderListing(dirs: ListDir[], files: ListFile[]): string {
  const line = (entry: ListDir | ListFile, dir: boolean): string =>
    `<li><a href="${escapeHtml(entry.href)}${dir ? '/' : ''}">${escapeHtml(entry.name)}${dir ? '/' : ''}</a></li>`;
  return `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Index</title></head><body>\n<ul>\n${[
    ...dirs.map((d) => line(d, true)),
    ...files.map((f) => line(f, false)),
  ].join('\n')}\n</ul>\n</body></html>\n`;
}

/**
 * `repos/` over HTTP at /repos/ (the baseurl written into delorean.repo), so
 * dnf and CI jobs consume snapshots from the server. Labels are symlinks and
 * are followed, so a promotion is visible at once; but a path whose real
 * location is outside `repos/` (a symlink planted to /etc) is refused, and
 * dot files (the aside files of atomic writes) are never served.
 */
export const reposStaticRoutes: FastifyPluginAsync<RoutePluginOptions> = async (app, { ctx }) => {
  const root = resolve(ctx.reposDir);
  let realRoot: string | undefined;

  app.addHook('preHandler', async (request) => {
    const path = request.url.split('?', 1)[0]!;
    if (!path.startsWith(REPOS_PREFIX)) return;
    let rel: string;
    try {
      rel = decodeURIComponent(path.slice(REPOS_PREFIX.length));
    } catch {
      throw new HttpError(400, 'Invalid path encoding');
    }
    if (rel.includes('\u0000')) throw new HttpError(400, 'Invalid path');
    const target = resolve(root, `./${rel}`);
    if (!inside(root, target)) throw new HttpError(403, 'Path outside repos/');
    realRoot ??= await realpath(root).catch(() => undefined);
    const real = await realpath(target).catch(() => undefined);
    // A missing file is the static handler's 404; an existing one must really be inside repos/.
    if (real !== undefined && (realRoot === undefined || !inside(realRoot, real))) {
      throw new HttpError(403, 'Path outside repos/');
    }
  });

  await app.register(fastifyStatic, {
    root,
    prefix: REPOS_PREFIX,
    decorateReply: false,
    dotfiles: 'deny',
    index: false,
    redirect: true,
    list: { format: 'html', render: renderListing },
    cacheControl: true,
    maxAge: 0,
  });
};
