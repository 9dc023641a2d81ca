#!/usr/bin/env node
// Entry point of the `postgrest-ts` command: the compiled CLI (built by `npm run build`, which `npm ci` runs via `prepare`).
import '../dist/cli/run.js';
