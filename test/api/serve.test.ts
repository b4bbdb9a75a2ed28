import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { runFerry } from '../helpers/run-ferry.js';
import { basic, PASSWORDS } from './api-fixture.js';
import { demoWorkspace, startServe, type ServeProcess } from './serve-process.js';

/** `ferry serve` as a user runs it: the compiled binary on a workspace made by ferry init and ferry user add. */
describe('ferry serve', () => {
  let dir: string;
  let workspace: string;
  let server: ServeProcess;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ferry-serve-'));
    ({ workspace } = await demoWorkspace(dir));
    server = await startServe(workspace);
  }, 120_000);
  afterAll(async () => {
    if (server?.child.exitCode === null) await server.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('serves the API, the repos tree and metrics, authenticating users made by ferry user add', async () => {
    const health = await fetch(`${server.url}/api/health`);
    const write = await fetch(`${server.url}/api/health`, {
      method: 'POST',
      headers: { authorization: basic('writer', PASSWORDS.writer) },
    });
    const wrong = await fetch(`${server.url}/api/health`, {
      method: 'POST',
      headers: { authorization: basic('writer', 'not-the-password') },
    });
    const repos = await fetch(`${server.url}/repos/`);
    const metrics = await fetch(`${server.url}/metrics`);

    expect(await health.json()).toEqual({ result: 'ok' });
    expect([write.status, wrong.status, repos.status, metrics.status]).toEqual([200, 401, 200, 200]);
    expect(await metrics.text()).toContain('dlrn_builds_total{baseurl="http://localhost:8080/repos"} 8');
  });

  it('logs logins as JSON on stderr, without passwords or Authorization headers', () => {
    const lines = server
      .stderr()
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as { event?: string; user?: string; success?: boolean });
    const logins = lines.filter((line) => line.event === 'login');

    expect(logins.map((l) => [l.user, l.success])).toEqual([
      ['writer', true],
      ['writer', false],
    ]);
    expect(server.stderr()).not.toContain(PASSWORDS.writer);
    expect(server.stderr()).not.toContain('not-the-password');
    expect(server.stderr()).not.toContain(basic('writer', PASSWORDS.writer).slice(6));
  });

  it('stops cleanly on SIGTERM', async () => {
    expect(await server.stop()).toBe(0);
  });

  it('refuses a port in use with a clear error (exit 2)', async () => {
    const other = await startServe(workspace);
    try {
      const port = new URL(other.url).port;
      const res = await runFerry(['serve', '--port', port], { cwd: workspace, timeoutMs: 60_000 });
      const bad = await runFerry(['serve', '--port', 'eighty'], { cwd: workspace });

      expect(res.code).toBe(2);
      expect(res.stderr).toMatch(/^error: cannot listen on .*EADDRINUSE/m);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/invalid port "eighty"/);
    } finally {
      await other.stop();
    }
  });
});
