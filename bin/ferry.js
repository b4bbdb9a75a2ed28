#!/usr/bin/env node
// The ferry command: the compiled CLI lives in dist/ (npm run build).
// The Node.js version is checked first, by a module that imports nothing: the CLI's own
// modules would fail on an older node with an error that does not say why.
import { nodeVersionProblem } from '../dist/cli/node-version.js';

const problem = nodeVersionProblem(process.versions.node);
if (problem === undefined) {
  const { main } = await import('../dist/cli/main.js');
  process.exitCode = await main(process.argv.slice(2));
} else {
  process.stderr.write(`error: ${problem}\n`);
  process.exitCode = 2;
}
