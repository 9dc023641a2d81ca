// Copies the non-TypeScript files the server reads at run time (the demo SQL) next to the compiled code in dist/.
import { cpSync } from 'node:fs';

cpSync(new URL('../src/demo/demo.sql', import.meta.url), new URL('../dist/demo/demo.sql', import.meta.url));
