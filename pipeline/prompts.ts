import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';

/** The prompt templates of the stages, by file name in seeds/prompts/ (without `.md`). */
export type PromptName =
  | 'question-leetcode'
  | 'question-algorithm'
  | 'question-data_structure'
  | 'question-package'
  | 'question-docs'
  | 'solution-and-tests'
  | 'instruct-to-complete'
  | 'complete-function'
  | 'math-question'
  | 'math-solution';

const PROMPTS = new URL('../seeds/prompts/', import.meta.url);
const cache = new Map<PromptName, string>();

/** A template's text (read once); the trailing newline of the file is not part of the prompt. */
export function promptTemplate(name: PromptName): string {
  let text = cache.get(name);
  if (text === undefined) {
    text = readFileSync(new URL(`${name}.md`, PROMPTS), 'utf8').replace(/\n+$/, '');
    cache.set(name, text);
  }
  return text;
}

/** Fills `{name}` placeholders in one pass, so a value holding `{seed}` is never filled again. */
export function fillPrompt(name: PromptName, values: Readonly<Record<string, string>>): string {
  return promptTemplate(name).replace(/\{(\w+)\}/g, (whole, key: string) => (Object.hasOwn(values, key) ? values[key]! : whole));
}

/** A short hash of every template: the manifest records it, so a changed prompt shows as a changed pipeline. */
export function promptsVersion(names: readonly PromptName[]): Record<string, string> {
  return Object.fromEntries(names.map((name) => [name, createHash('sha256').update(promptTemplate(name)).digest('hex').slice(0, 12)]));
}
