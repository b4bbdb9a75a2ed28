import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';

import { tempDir } from '../helpers/temp-dir.js';
import { NOW, useApiFixture } from './api-fixture.js';

const CHROMIUM = '/usr/bin/chromium';

/** Hardening item 15 (pages): counts, report links under a file:// baseurl, the front page, the report's width. */
describe('HTML pages', () => {
  describe('with an http baseurl and a title to escape', () => {
    const f = useApiFixture('sqlite', { title: '<script>alert(1)</script> & co' });

    it('says "1 vote" and "2 votes" on the vote pages', async () => {
      await f.store.recordAggregateVote({ refHash: 'agg-1', ciName: 'job', ciVote: true, timestamp: NOW });
      const one = await f.inject({ method: 'GET', url: '/api/civotes_agg.html' });
      await f.store.recordAggregateVote({ refHash: 'agg-1', ciName: 'job', ciVote: false, timestamp: NOW });
      const two = await f.inject({ method: 'GET', url: '/api/civotes_agg.html' });

      expect(one.body).toContain('<p>1 vote, newest first.</p>');
      expect(two.body).toContain('<p>2 votes, newest first.</p>');
    });

    it('serves a front page at / linking every HTML page, everything escaped', async () => {
      const res = await f.inject({ method: 'GET', url: '/' });

      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.body).toMatch(/^<!DOCTYPE html>/);
      for (const href of ['api/civotes.html', 'api/civotes_agg.html', 'api/report.html', 'repos/']) {
        expect(res.body).toContain(`<a href="${href}">`);
      }
      expect(res.body).toContain('<h1>&lt;script&gt;alert(1)&lt;/script&gt; &amp; co</h1>');
      expect(res.body).not.toContain('<script>');
    });

    it('links back to the front page from every page', async () => {
      const res = await f.inject({ method: 'GET', url: '/api/report.html' });

      expect(res.body).toContain('<a href="../">Home</a>');
    });
  });

  describe('with a file:// baseurl', () => {
    const f = useApiFixture('sqlite', { baseurl: 'file:///srv/ferry/repos/' });

    it('links the repository and the build log of report.html; a client URL is never a file: link', async () => {
      await f.store.recordVote({
        commitId: f.commits.foo.id,
        ciName: 'job-file',
        ciVote: true,
        ciUrl: 'file:///etc/passwd',
        user: 'writer',
        timestamp: NOW,
      });
      const report = await f.inject({ method: 'GET', url: '/api/report.html?package_name=python-foo' });
      const votes = await f.inject({ method: 'GET', url: '/api/civotes_detail.html?ci_name=job-file' });

      const dir = `file:///srv/ferry/repos/${f.commits.foo.commitHash.slice(0, 2)}/${f.commits.foo.commitHash.slice(2, 4)}/${f.commits.foo.commitHash}_${f.commits.foo.distroHash.slice(0, 8)}`;
      expect(report.body).toContain(`<a href="${dir}" rel="noopener noreferrer">repo</a>`);
      expect(report.body).toContain(`<a href="${dir}/rpmbuild.log" rel="noopener noreferrer">build log</a>`);
      expect(votes.body).toContain('<td>file:///etc/passwd</td>');
    });
  });

  describe('report.html in a browser', () => {
    const f = useApiFixture('sqlite');

    it.skipIf(!existsSync(CHROMIUM))(
      'fits a 1,280 px window with long names, hashes and releases',
      async () => {
        for (let i = 0; i < 5; i++) {
          await f.store.recordCommit({
            projectName: `python-tripleo-common-tests-tempest-plugin-${i}`,
            commitHash: `${i}`.repeat(40),
            distroHash: 'd'.repeat(40),
            component: 'tripleo-common-validations',
            status: i % 2 === 0 ? 'SUCCESS' : 'FAILED',
            dtCommit: NOW,
            dtBuild: NOW,
            nvr: `python-tripleo-common-tests-tempest-plugin-${i}-15.0.0.0rc2-0.20240305070809.0123456789abcdef.el9`,
          });
        }
        const html = (await f.inject({ method: 'GET', url: '/api/report.html' })).body;
        // Chromium writes a profile, crash reports and a dconf cache under $HOME: give it one of ours.
        const home = await tempDir('ferry-chromium-');
        const browser = await chromium.launch({
          executablePath: CHROMIUM,
          headless: true,
          env: {
            ...process.env,
            HOME: home,
            XDG_CONFIG_HOME: join(home, '.config'),
            XDG_CACHE_HOME: join(home, '.cache'),
          },
          args: [
            '--no-sandbox',
            '--disable-gpu',
            '--disable-background-networking',
            '--disable-component-update',
            '--no-first-run',
            '--disable-sync',
            '--disable-breakpad',
          ],
        });
        try {
          const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
          await page.setContent(html);
          // An expression evaluated in the page (this project's types have no DOM).
          const widths = await page.evaluate<{ document: number; table: number }>(
            `({ document: document.documentElement.scrollWidth,
                table: Math.ceil(document.querySelector('table').getBoundingClientRect().right) })`,
          );

          expect(widths.document).toBeLessThanOrEqual(1280);
          expect(widths.table).toBeLessThanOrEqual(1280);
        } finally {
          await browser.close();
        }
      },
    );
  });
});
