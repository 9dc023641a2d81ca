#!/usr/bin/env -S node --max-semi-space-size=2
// Entry point of the `postgrest-ts` command: the compiled CLI (built by `npm run build`, which `npm ci` runs via `prepare`).
// --max-semi-space-size=2 (MiB; also in `npm start`): V8 grows its young generation to 16 MiB semi-spaces under load,
// ~35 MB of resident memory for short-lived request objects; 2 MiB keeps a busy server's footprint under 100 MB.
import '../dist/cli/run.js';
