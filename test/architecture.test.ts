import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

// Data flows one way: a module may import only from its own layer or lower ones.
const layers: [prefix: string, rank: number][] = [
  ['src/core/', 0],
  ['sandbox/', 1],
  ['verifiers/', 2],
  ['templates/', 3],
  ['src/llm/', 3],
  ['src/curation/', 3],
  ['pipeline/', 4],
  ['src/cli/', 5],
  ['src/index.ts', 5],
];

function rankOf(path: string): number | undefined {
  return layers.find(([prefix]) => path.startsWith(prefix))?.[1];
}

function* sourceFiles(directory: string): Generator<string> {
  for (const name of readdirSync(directory)) {
    const path = join(directory, name);
    if (statSync(path).isDirectory()) yield* sourceFiles(path);
    else if (name.endsWith('.ts') && !name.endsWith('.test.ts')) yield path;
  }
}

test('imports only point down the layers: core <- sandbox <- verifiers <- templates/llm/curation <- pipeline <- cli', () => {
  const violations: string[] = [];
  for (const top of ['src', 'sandbox', 'verifiers', 'templates', 'pipeline']) {
    let files: string[];
    try {
      files = [...sourceFiles(join(root, top))];
    } catch {
      continue;
    }
    for (const file of files) {
      const from = relative(root, file);
      const fromRank = rankOf(from);
      if (fromRank === undefined) continue;
      for (const match of readFileSync(file, 'utf8').matchAll(/from '(\.[^']+)'/g)) {
        const target = relative(root, resolve(dirname(file), match[1]!));
        const targetRank = rankOf(target);
        if (target.startsWith('test/')) violations.push(`${from} imports test code ${target}`);
        else if (targetRank !== undefined && targetRank > fromRank) violations.push(`${from} imports ${target}`);
      }
    }
  }
  expect(violations).toEqual([]);
});
