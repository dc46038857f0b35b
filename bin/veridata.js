#!/usr/bin/env -S node --max-semi-space-size=8
// A small young generation keeps streaming commands flat in memory (V8 would grow it to 32 MiB) at no cost in speed.
// Installed package: run the compiled CLI. In a checkout, `pnpm veridata` runs the TypeScript source through tsx.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const compiled = join(root, 'dist', 'src', 'cli', 'bin.js');
if (!existsSync(compiled)) {
  process.stderr.write('[NOT_BUILT] veridata is not compiled yet.\nRun `pnpm build`, or use `pnpm veridata <args>` in a checkout.\n');
  process.exit(2);
}
await import(pathToFileURL(compiled).href);
