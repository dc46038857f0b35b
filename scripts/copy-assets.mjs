// Copies the non-TypeScript files the compiled CLI loads beside its modules (Python helpers run by the sandbox and the
// verifiers) from the source tree into dist/, at the same relative paths.
import { cpSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const ASSET = /\.py$/;

function* assets(directory) {
  for (const name of readdirSync(directory)) {
    if (name === 'node_modules' || name === '__pycache__') continue;
    const path = join(directory, name);
    if (statSync(path).isDirectory()) yield* assets(path);
    else if (ASSET.test(name)) yield path;
  }
}

for (const top of ['src', 'verifiers', 'templates', 'pipeline', 'sandbox']) {
  let found;
  try {
    found = [...assets(join(root, top))];
  } catch {
    continue;
  }
  for (const path of found) cpSync(path, join(root, 'dist', relative(root, path)));
}
