/** Why a model's reply yields nothing usable. */
export type DropReason = 'bad-document' | 'no-markers' | 'empty' | 'truncated' | 'too-long';

/** What a reply yields: the text between the markers, or why there is none. */
export type Extracted = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly reason: DropReason };

const MAX_QUESTION_CHARS = 8000;

/** Strips one surrounding ``` fence (```python, ```text, ...) and blank edges. */
export function stripFence(text: string): string {
  const trimmed = text.trim();
  const fenced = /^```[\w+-]*[ \t]*\n([\s\S]*?)\n?```$/.exec(trimmed);
  return (fenced ? fenced[1]! : trimmed).replace(/^\n+|\s+$/g, '');
}

/** The text between `<|Name Begin|>` and `<|Name End|>`; the last complete section wins (a model may restate). */
export function section(reply: string, name: string): Extracted {
  const begin = `<|${name} Begin|>`;
  const end = `<|${name} End|>`;
  const start = reply.lastIndexOf(begin);
  if (start < 0) return { ok: false, reason: /BAD_DOCUMENT/.test(reply) ? 'bad-document' : 'no-markers' };
  const stop = reply.indexOf(end, start + begin.length);
  if (stop < 0) return { ok: false, reason: 'truncated' };
  const text = stripFence(reply.slice(start + begin.length, stop));
  return text === '' ? { ok: false, reason: 'empty' } : { ok: true, text };
}

/** The question of a stage-1 reply: BAD_DOCUMENT, a reply without markers, or an empty or huge question is dropped. */
export function extractQuestion(reply: string): Extracted {
  if (/^\s*BAD_DOCUMENT\s*$/.test(reply)) return { ok: false, reason: 'bad-document' };
  const found = section(reply, 'Question');
  if (!found.ok) return found;
  // "### Question 1:" and similar headings are the model's framing, not the question.
  const text = found.text.replace(/^(#+\s*)?(coding (assessment )?)?question( \d+)?\s*:?\s*\n+/i, '').trim();
  if (text === '') return { ok: false, reason: 'empty' };
  if (text.length > MAX_QUESTION_CHARS) return { ok: false, reason: 'too-long' };
  return { ok: true, text };
}

/** Solution and tests of a stage-2 reply. */
export function extractSolutionAndTests(reply: string): { ok: true; solution: string; tests: string } | { ok: false; reason: string } {
  const solution = section(reply, 'Solution');
  if (!solution.ok) return { ok: false, reason: `solution-${solution.reason}` };
  const tests = section(reply, 'Test');
  if (!tests.ok) return { ok: false, reason: `tests-${tests.reason}` };
  return { ok: true, solution: `${solution.text}\n`, tests: `${tests.text}\n` };
}
