import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { buildApp, type OpenApiDocument } from '../../src/api/index.js';
import {
  REFERENCE_BEGIN,
  REFERENCE_END,
  renderEndpointReference,
} from '../../src/api/openapi/openapi-markdown.js';
import { openTestStore } from '../helpers/databases.js';
import { PROJECT_ROOT } from '../helpers/run-ferry.js';

const DOC = join(PROJECT_ROOT, 'docs', 'api.md');

/** docs/api.md's endpoint reference is generated from the OpenAPI document; this keeps them equal. */
describe('docs/api.md', () => {
  it('holds the endpoint reference of the current routes (FERRY_UPDATE_DOCS=1 rewrites it)', async () => {
    const store = await openTestStore('sqlite');
    const app = await buildApp({
      store,
      reposDir: PROJECT_ROOT,
      baseurl: 'http://localhost:8080/repos',
      serveRepos: false,
    });
    const doc = (await app.inject({ method: 'GET', url: '/api/openapi.json' })).json<OpenApiDocument>();
    await app.close();
    await store.close();
    const text = await readFile(DOC, 'utf8');
    const start = text.indexOf(REFERENCE_BEGIN);
    const end = text.indexOf(REFERENCE_END);
    expect(start, 'docs/api.md has the generated-reference markers').toBeGreaterThanOrEqual(0);

    const expected = renderEndpointReference(doc);
    const current = text.slice(start, end + REFERENCE_END.length);
    if (current !== expected && process.env.FERRY_UPDATE_DOCS === '1') {
      await writeFile(DOC, text.slice(0, start) + expected + text.slice(end + REFERENCE_END.length));
      return;
    }

    expect(current).toBe(expected);
  });
});
