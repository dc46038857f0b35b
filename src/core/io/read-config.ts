import { readFile } from 'node:fs/promises';
import { isMap, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import type { z } from 'zod';
import { InputUnreadableError, InvalidConfigError } from '../errors.js';

/** The YAML node at `path`, for its line number. */
function nodeAt(root: unknown, path: readonly PropertyKey[]): Node | undefined {
  let node = root as Node | undefined;
  let found = node;
  for (const key of path) {
    if (isMap(node)) node = node.get(key as string, true) as Node | undefined;
    else if (isSeq(node)) node = node.get(Number(key), true) as Node | undefined;
    else break;
    if (node === undefined) break;
    found = node;
  }
  return found;
}

/**
 * Reads a YAML (or JSON) config file and checks it against `schema`. The first problem is reported as
 * `[INVALID_CONFIG] file:line: key "a.b.0.c": message`, the line being that of the key (or of the nearest key that
 * exists, for a missing one).
 */
export async function readConfigFile<T extends z.ZodType>(path: string, schema: T): Promise<z.output<T>> {
  const text = await readFile(path, 'utf8').catch((error: unknown) => {
    throw new InputUnreadableError(path, error);
  });
  return parseConfigText(text, path, schema);
}

/** `readConfigFile` on text already read; `file` names it in errors. */
export function parseConfigText<T extends z.ZodType>(text: string, file: string, schema: T): z.output<T> {
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const syntax = document.errors[0];
  if (syntax !== undefined) {
    const line = syntax.linePos?.[0]?.line ?? lines.linePos(syntax.pos[0]).line;
    throw new InvalidConfigError(file, line, '', `not valid YAML: ${syntax.message.split('\n')[0]}`);
  }
  const result = schema.safeParse(document.toJS() ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  // An unknown key is named by its own path, so the line is the typo's.
  const unknown = issue.code === 'unrecognized_keys' ? (issue as { keys: string[] }).keys[0] : undefined;
  const path = unknown === undefined ? issue.path : [...issue.path, unknown];
  const node = nodeAt(document.contents, path);
  const line = node?.range ? lines.linePos(node.range[0]).line : undefined;
  const message = unknown === undefined ? issue.message : 'unknown key (a typo? every key is checked)';
  throw new InvalidConfigError(file, line, path.map(String).join('.'), message);
}
