import { z } from 'zod';

/**
 * Where the extracted code came from: `fenced-block` (one or more ``` / ~~~ blocks), `raw` (the response is the
 * code), `kodcode-markers` (between `<|Solution Begin|>` and `<|Solution End|>`), `none` (no code).
 */
export const SolutionSource = z.enum(['fenced-block', 'raw', 'kodcode-markers', 'none']);
export type SolutionSource = z.infer<typeof SolutionSource>;

/** The Python solution in a model response, and how it was found. */
export const ExtractedSolution = z.object({
  /** The code to save as the solution module; null when the response holds none. */
  code: z.string().nullable(),
  source: SolutionSource,
  /** Complete fenced blocks seen in the answer (any language; reasoning in `<think>` is not the answer). */
  blocks: z.number().int().min(0),
  /** 0-based indices, in order, of the blocks joined into `code`. */
  chosen: z.array(z.number().int().min(0)),
  /** One sentence for users: what was taken and why. */
  note: z.string(),
});
export type ExtractedSolution = z.infer<typeof ExtractedSolution>;

/** What to look for in a response. */
export interface ExtractSolutionOptions {
  /** Names the tests import from the solution module; empty or absent for `from solution import *`. */
  readonly wanted?: readonly string[];
  /** Only the last this-many characters of the answer are read (default 1,000,000). */
  readonly maxChars?: number;
}

/** Default cap on the answer text read, in characters. */
export const defaultMaxSolutionChars = 1_000_000;

interface Block {
  index: number;
  start: number; // offset of the opening fence line
  language: string;
  content: string;
}

interface Facts {
  defines: Set<string>;
  functions: Set<string>; // names defined by def or class (what a call can depend on)
  definesCode: boolean; // a top-level def or class
  isTest: boolean;
}

interface Choice {
  blocks: Block[];
  missing: string[];
  reason: string;
}

const PYTHON_LANGUAGES = new Set(['', 'python', 'py', 'python3', 'py3']);
const FENCE_LINE = /^([ \t]*)(`{3,}|~{3,})([^\n]*)$/gm;
const KODCODE_BEGIN = '<|Solution Begin|>';
const KODCODE_END = '<|Solution End|>';
const PYTHON_KEYWORDS = new Set(['False', 'None', 'True', 'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del', 'elif', 'else', 'except', 'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal', 'not', 'or', 'pass', 'raise', 'return', 'try', 'while', 'with', 'yield', 'match', 'case']);
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** A line that only Python code starts with; a fence-less answer without one is prose, not code. */
const PYTHON_LINE = /^(?:(?:async[ \t]+)?def[ \t]+[A-Za-z_]\w*[ \t]*\(|class[ \t]+[A-Za-z_]\w*[ \t]*[(:]|import[ \t]+[A-Za-z_]|from[ \t]+[\w.]+[ \t]+import[ \t]|@[A-Za-z_]|if[ \t]+__name__|print\(|[A-Za-z_]\w*(?:[ \t]*,[ \t]*[A-Za-z_]\w*)*[ \t]*(?::[^=\n]*)?=[^=])/m;

/**
 * The solution code in a model response: the text after the last `</think>`; KodCode solution markers if present;
 * else the fenced Python block(s) defining the `wanted` names (the last block defining all of them, or the fewest
 * blocks that together do, later blocks first; plus blocks defining functions they call), skipping test blocks and
 * blocks in other languages; else the whole answer when it has no fence. Linear in the input.
 */
export function extractSolution(response: string, options: ExtractSolutionOptions = {}): ExtractedSolution {
  const maxChars = Math.floor(options.maxChars ?? defaultMaxSolutionChars);
  if (!(maxChars >= 1)) throw new RangeError('maxChars must be at least 1');
  const answer = dropReasoning(response);
  if (answer.unterminated && answer.text.trim() === '') {
    return none(0, 'The response ends inside <think> (its reasoning never finished), so it has no answer.');
  }
  const notes: string[] = [];
  if (answer.dropped) notes.push(answer.unterminated ? 'ignored the <think> reasoning, including an unterminated <think> at the end' : 'ignored the <think> reasoning');
  let text = answer.text;
  const fences = scanFences(text);
  let cutAt = 0;
  if (text.length > maxChars) {
    cutAt = lineStartAtOrAfter(text, text.length - maxChars);
    notes.push(`the answer has ${text.length} characters, so only its last ${text.length - cutAt} were read`);
  }
  const blocks = fences.blocks.filter((block) => block.start >= cutAt).map((block, index) => ({ ...block, index }));
  const prefix = notes.length > 0 ? `${capitalize(notes.join('; '))}; ` : '';

  const kodcode = kodcodeRegion(text, cutAt);
  if (kodcode !== undefined) {
    const inside = blocks.filter((block) => block.start >= kodcode.start && block.start < kodcode.end && PYTHON_LANGUAGES.has(block.language));
    const code = inside.length > 0 ? inside.map((block) => block.content).join('\n\n') : stripFenceLines(text.slice(kodcode.start, kodcode.end)).trim();
    if (code.trim() !== '') {
      const how = inside.length > 0 ? ` (${describeBlocks(inside, blocks.length)} inside them)` : '';
      return { code: withNewline(code), source: 'kodcode-markers', blocks: blocks.length, chosen: inside.map((block) => block.index), note: capitalize(`${prefix}took the code between ${KODCODE_BEGIN} and ${KODCODE_END}${how}.`) };
    }
  }

  if (fences.lines === 0) {
    text = cutAt > 0 ? text.slice(cutAt) : text;
    if (answer.dropped) text = text.replace(/^(?:[ \t]*\r?\n)+/, '');
    if (text.trim() === '') return none(0, `${prefix}the answer is empty.`);
    if (!PYTHON_LINE.test(text)) return none(0, `${prefix}the answer has no code block and no line that looks like Python.`);
    return { code: text, source: 'raw', blocks: 0, chosen: [], note: capitalize(`${prefix}the answer has no fenced block, so all of it is the code.`) };
  }

  const python = blocks.filter((block) => PYTHON_LANGUAGES.has(block.language));
  const others = blocks.filter((block) => !PYTHON_LANGUAGES.has(block.language));
  const skippedLanguages = others.length > 0 ? `${plural(others.length, 'block')} tagged ${[...new Set(others.map((block) => block.language))].join(', ')}` : '';
  if (python.length === 0) {
    const truncated = fences.truncatedAfter(cutAt) ? 'its last code block is not closed (the output was cut off)' : '';
    const why = [truncated, skippedLanguages ? `skipped ${skippedLanguages}` : ''].filter(Boolean).join('; ');
    return none(blocks.length, `${prefix}no complete Python code block: ${why || 'none found'}.`);
  }

  const facts = new Map(python.map((block) => [block.index, blockFacts(block.content)]));
  const factsOf = (block: Block) => facts.get(block.index) as Facts;
  const wanted = [...new Set((options.wanted ?? []).filter((name) => IDENTIFIER.test(name)))];
  const nonTest = python.filter((block) => !factsOf(block).isTest);
  const choice = wanted.length > 0 ? chooseByNames(python, nonTest, wanted, factsOf) : chooseLast(python, nonTest, factsOf);
  const added = addDependencies(choice.blocks, nonTest, factsOf);
  const chosen = [...choice.blocks, ...added].sort((a, b) => a.index - b.index);

  const skippedTests = python.filter((block) => factsOf(block).isTest && !chosen.includes(block)).length;
  const skipped = [skippedTests > 0 ? plural(skippedTests, 'test block') : '', skippedLanguages].filter(Boolean).join(' and ');
  const parts = [`took ${describeBlocks(choice.blocks, blocks.length)}, ${choice.reason}`];
  if (added.length > 0) parts.push(`added ${describeBlocks(added, blocks.length, false)}, defining functions it calls`);
  if (choice.missing.length > 0) parts.push(`no block defines ${choice.missing.join(', ')}`);
  if (skipped) parts.push(`skipped ${skipped}`);
  if (fences.truncatedAfter(cutAt)) parts.push('an unclosed last block (cut-off output) was ignored');
  return {
    code: withNewline(chosen.map((block) => block.content).join('\n\n')),
    source: 'fenced-block',
    blocks: blocks.length,
    chosen: chosen.map((block) => block.index),
    note: `${capitalize(prefix + parts.join('; '))}.`,
  };
}

function none(blocks: number, note: string): ExtractedSolution {
  return { code: null, source: 'none', blocks, chosen: [], note: capitalize(note) };
}

/**
 * The text after the last `</think>`, cut before an unterminated `<think>` that opens a line. A tag next to a quote
 * is inside code (`s.split("</think>")`), not a tag.
 */
function dropReasoning(response: string): { text: string; dropped: boolean; unterminated: boolean } {
  const lower = response.toLowerCase();
  let close = lower.lastIndexOf('</think>');
  while (close >= 0 && isQuoted(response, close, close + 8)) close = close === 0 ? -1 : lower.lastIndexOf('</think>', close - 1);
  let text = close >= 0 ? response.slice(close + 8) : response;
  const open = /^[ \t]*<think>/im.exec(text);
  if (open === null) return { text, dropped: close >= 0, unterminated: false };
  text = text.slice(0, open.index);
  return { text, dropped: true, unterminated: true };
}

function isQuoted(text: string, start: number, end: number): boolean {
  return /['"\\]/.test(text[start - 1] ?? '') || /['"]/.test(text[end] ?? '');
}

/** Complete fenced blocks (CommonMark-style: the closing fence repeats the opening character at least as long). */
function scanFences(text: string): { blocks: Omit<Block, 'index'>[]; lines: number; truncatedAfter: (offset: number) => boolean } {
  const blocks: Omit<Block, 'index'>[] = [];
  let open: { marker: string; indent: number; language: string; start: number; contentStart: number } | undefined;
  let lines = 0;
  FENCE_LINE.lastIndex = 0;
  for (let match = FENCE_LINE.exec(text); match !== null; match = FENCE_LINE.exec(text)) {
    const [line, indent = '', marker = '', rest = ''] = match;
    const lineEnd = match.index + line.length;
    const info = rest.replace(/\r$/, '').trim();
    if (open === undefined) {
      if (marker[0] === '`' && info.includes('`')) continue; // inline code such as ```x```, not a fence
      lines += 1;
      open = { marker, indent: indent.length, language: languageOf(info), start: match.index, contentStart: Math.min(text.length, lineEnd + 1) };
    } else if (marker[0] === open.marker[0] && marker.length >= open.marker.length && info === '') {
      lines += 1;
      const raw = text.slice(open.contentStart, Math.max(open.contentStart, match.index - 1));
      blocks.push({ start: open.start, language: open.language, content: open.indent > 0 ? dedent(raw, open.indent) : raw });
      open = undefined;
    }
  }
  const unclosedAt = open?.start;
  return { blocks, lines, truncatedAfter: (offset) => unclosedAt !== undefined && unclosedAt >= offset };
}

function languageOf(info: string): string {
  return (/^\{?\.?([A-Za-z0-9_+#-]*)/.exec(info)?.[1] ?? '').toLowerCase();
}

/** Removes up to `width` leading spaces from each line: a fence indented in a list indents its content as well. */
function dedent(text: string, width: number): string {
  const pattern = new RegExp(`^ {1,${width}}`, 'gm');
  return text.replace(pattern, '');
}

function stripFenceLines(text: string): string {
  return text.replace(FENCE_LINE, '');
}

function lineStartAtOrAfter(text: string, offset: number): number {
  if (offset <= 0 || text[offset - 1] === '\n') return Math.max(0, offset);
  const newline = text.indexOf('\n', offset);
  return newline < 0 ? text.length : newline + 1;
}

/** The last `<|Solution Begin|>` with a `<|Solution End|>` after it, as the range between them. */
function kodcodeRegion(text: string, from: number): { start: number; end: number } | undefined {
  const begin = text.lastIndexOf(KODCODE_BEGIN);
  if (begin < from) return undefined;
  const end = text.indexOf(KODCODE_END, begin);
  return end < 0 ? undefined : { start: begin + KODCODE_BEGIN.length, end };
}

/** Top-level names a block binds and whether it is a test block (tests or test imports, and nothing else defined). */
function blockFacts(content: string): Facts {
  const defines = new Set<string>();
  const functions = new Set<string>();
  let definesCode = false;
  let testSignal = false;
  let otherDefinition = false;
  let decorator = '';
  for (const line of content.split('\n')) {
    if (line.startsWith('@')) {
      decorator = line;
      continue;
    }
    const definition = /^(?:async[ \t]+)?def[ \t]+([A-Za-z_]\w*)/.exec(line);
    const klass = definition ? null : /^class[ \t]+([A-Za-z_]\w*)[ \t]*(?:\(([^)]*)\)?)?/.exec(line);
    if (definition?.[1] !== undefined) {
      const name = definition[1];
      defines.add(name);
      functions.add(name);
      definesCode = true;
      if (name.startsWith('test')) testSignal = true;
      else if (!decorator.includes('fixture')) otherDefinition = true;
    } else if (klass?.[1] !== undefined) {
      const name = klass[1];
      defines.add(name);
      functions.add(name);
      definesCode = true;
      if (name.startsWith('Test') || (klass[2] ?? '').includes('TestCase')) testSignal = true;
      else otherDefinition = true;
    } else if (/^(?:import[ \t]+(?:pytest|unittest|solution)\b|from[ \t]+(?:pytest|unittest|solution)\b[\w.]*[ \t]+import\b)/.test(line)) {
      testSignal = true;
    } else {
      const assignment = /^([A-Za-z_]\w*(?:[ \t]*,[ \t]*[A-Za-z_]\w*)*)[ \t]*(?::[^=\n]*)?=(?!=)/.exec(line);
      for (const name of assignment?.[1]?.split(',').map((part) => part.trim()) ?? []) if (!PYTHON_KEYWORDS.has(name)) defines.add(name);
    }
    if (line.trim() !== '' && !line.startsWith(' ') && !line.startsWith('\t') && !line.startsWith('#')) decorator = '';
  }
  return { defines, functions, definesCode, isTest: testSignal && !otherDefinition };
}

/** The last block defining every wanted name, else the fewest blocks covering them (later blocks first). */
function chooseByNames(python: Block[], nonTest: Block[], wanted: string[], factsOf: (block: Block) => Facts): Choice {
  const names = wanted.join(', ');
  let pool = nonTest;
  let cover = coverNames(pool, wanted, factsOf);
  if (cover.missing.length > 0) {
    const withTests = coverNames(python, wanted, factsOf);
    if (withTests.missing.length < cover.missing.length) {
      pool = python;
      cover = withTests;
    }
  }
  if (cover.blocks.length === 0) {
    const fallback = chooseLast(python, nonTest, factsOf);
    return { blocks: fallback.blocks, missing: wanted, reason: `${fallback.reason}, though none defines the names the tests import` };
  }
  const tests = pool === python && cover.blocks.some((block) => factsOf(block).isTest) ? ' (test blocks included: nothing else defines them)' : '';
  if (cover.blocks.length === 1 && cover.missing.length === 0) {
    return { blocks: cover.blocks, missing: [], reason: `the last that defines ${names}${tests}` };
  }
  const found = wanted.filter((name) => !cover.missing.includes(name)).join(', ');
  const how = cover.blocks.length === 1 ? `the last that defines ${found}` : `which together define ${found}`;
  return { blocks: cover.blocks, missing: cover.missing, reason: `${how}${tests}` };
}

function coverNames(pool: Block[], wanted: string[], factsOf: (block: Block) => Facts): { blocks: Block[]; missing: string[] } {
  for (let index = pool.length - 1; index >= 0; index -= 1) {
    const block = pool[index] as Block;
    if (wanted.every((name) => factsOf(block).defines.has(name))) return { blocks: [block], missing: [] };
  }
  const remaining = new Set(wanted);
  const taken: Block[] = [];
  for (let index = pool.length - 1; index >= 0 && remaining.size > 0; index -= 1) {
    const block = pool[index] as Block;
    const gives = [...remaining].filter((name) => factsOf(block).defines.has(name));
    if (gives.length === 0) continue;
    taken.unshift(block);
    for (const name of gives) remaining.delete(name);
  }
  return { blocks: taken, missing: wanted.filter((name) => remaining.has(name)) };
}

/** For `from solution import *`: the last non-test block defining a function or class, else the last non-test block. */
function chooseLast(python: Block[], nonTest: Block[], factsOf: (block: Block) => Facts): Choice {
  const withCode = nonTest.filter((block) => factsOf(block).definesCode);
  const last = withCode.at(-1);
  if (last !== undefined) return { blocks: [last], missing: [], reason: 'the last Python block defining a function or class' };
  const plain = nonTest.at(-1);
  if (plain !== undefined) return { blocks: [plain], missing: [], reason: 'the last Python block (none defines a function or class)' };
  return { blocks: [python.at(-1) as Block], missing: [], reason: 'the last Python block (all look like tests)' };
}

/**
 * Non-test blocks defining (by def or class) a name the chosen code uses but does not define, e.g. a helper shown
 * in its own block. A block that would come after the chosen code and redefine one of its names is left out.
 */
function addDependencies(chosen: Block[], nonTest: Block[], factsOf: (block: Block) => Facts): Block[] {
  const definedBy = new Map<string, Block>();
  for (const block of nonTest) for (const name of factsOf(block).functions) definedBy.set(name, block);
  const taken = new Set(chosen);
  const defined = new Set(chosen.flatMap((block) => [...factsOf(block).defines]));
  const firstChosen = Math.min(...chosen.map((block) => block.index));
  const added: Block[] = [];
  const pending = [...chosen];
  for (let block = pending.pop(); block !== undefined; block = pending.pop()) {
    for (const name of block.content.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []) {
      if (defined.has(name)) continue;
      const helper = definedBy.get(name);
      if (helper === undefined || taken.has(helper)) continue;
      const overrides = helper.index > firstChosen && [...factsOf(helper).defines].some((defines) => defined.has(defines));
      if (overrides) continue;
      taken.add(helper);
      added.push(helper);
      pending.push(helper);
      for (const defines of factsOf(helper).defines) defined.add(defines);
    }
  }
  return added;
}

function describeBlocks(blocks: Block[], total: number, withTotal = true): string {
  const numbers = blocks.map((block) => String(block.index + 1));
  const list = numbers.length <= 1 ? (numbers[0] ?? '') : `${numbers.slice(0, -1).join(', ')} and ${numbers.at(-1)}`;
  return `${blocks.length === 1 ? 'block' : 'blocks'} ${list}${withTotal ? ` of ${total}` : ''}`;
}

function withNewline(code: string): string {
  return code.endsWith('\n') ? code : `${code}\n`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function capitalize(text: string): string {
  return text.length > 0 ? (text[0] as string).toUpperCase() + text.slice(1) : text;
}
