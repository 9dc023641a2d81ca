#!/usr/bin/env -S node --max-semi-space-size=4
// V8's young generation capped at 4 MB per semi-space (default 16): after heavy load the process stays at ~85-95 MB
// instead of ~120 MB, for ~3 us more garbage collection per request (see README, Performance). `npm start` passes the
// same flag; `node bin/postgrest-ts.js` runs without it.
// Entry point of the `postgrest-ts` command: the compiled CLI (built by `npm run build`, which `npm ci` runs via `prepare`).
import '../dist/cli/run.js';
