import { readJsonlLines } from '../../core/io/read-jsonl.js';
import { type FieldOverrides, resolveRecord } from '../../core/schemas/aliases.js';
import { InvalidRecordError } from '../../core/errors.js';
import { hashString32 } from '../../core/hash.js';
import { normalizedText } from '../pairs/pair-rules.js';
import type { SplitOverlap } from './gate-report.js';

/** A 53-bit key of a normalised prompt (case and spacing do not make a new prompt). */
function promptKey(prompt: string): number {
  const text = normalizedText(prompt).toLowerCase();
  return (hashString32(text, 0x5b) & 0x1fffff) * 0x100000000 + hashString32(text, 0x3c);
}

/**
 * Prompts that occur in more than one of the split files: a prompt (or a copy differing only in case and spacing) in
 * both train and validation makes the validation score a memory test. Keeps one key and a file bitmask per prompt.
 */
export async function measureSplitOverlap(files: readonly string[], overrides: FieldOverrides = {}, signal?: AbortSignal): Promise<SplitOverlap> {
  const seenIn = new Map<number, number>();
  const firstText = new Map<number, string>();
  for (const [index, file] of files.entries()) {
    const bit = 2 ** index;
    for await (const line of readJsonlLines(file, signal ? { signal } : {})) {
      const prompt = resolveRecord(line.value, 'problem', { overrides, lineText: line.text }).prompt;
      if (typeof prompt !== 'string') throw new InvalidRecordError(file, line.lineNumber, `field "${overrides.prompt ?? 'prompt'}": missing or not text (also looked for input, question)`);
      const key = promptKey(prompt);
      const mask = seenIn.get(key) ?? 0;
      if ((mask & bit) === 0) seenIn.set(key, mask | bit);
      if (mask === 0 && firstText.size < 100_000) firstText.set(key, prompt);
    }
  }
  let sharedPrompts = 0;
  const examples: string[] = [];
  for (const [key, mask] of seenIn) {
    if ((mask & (mask - 1)) === 0) continue; // one bit: one file
    sharedPrompts += 1;
    const text = firstText.get(key);
    if (examples.length < 3 && text !== undefined) examples.push(text);
  }
  return { files: [...files], sharedPrompts, examples };
}
