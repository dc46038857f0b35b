import { z } from 'zod';

/**
 * Where an extracted answer came from. Precedence, strongest first:
 * 1. explicit anchors and boxes (`final-answer`, `answer-tag`, `hash-anchor`, `answer-is`, `answer-colon`, `boxed`):
 *    the right-most one wins, whatever its kind, so a self-correction ("\boxed{5} ... wait, the answer is 6") counts
 *    and "The answer is \boxed{7}" yields the box, which starts after the phrase. Anchors inside a box or an
 *    `<answer>` tag are part of that answer, not anchors of their own.
 * 2. `bold` (`**73**`), only when its content looks like a value and no number follows it.
 * 3. `last-number`: the last number, or the math span (`$...$`, `\(...\)`) that holds it, reduced to the part after
 *    its last `=`; `$x=2$ or $x=3$` gives "2, 3". Never used for refusals, hedges or numbers inside an expression.
 */
export const AnswerSource = z.enum(['final-answer', 'answer-tag', 'hash-anchor', 'answer-is', 'answer-colon', 'boxed', 'bold', 'last-number']);
export type AnswerSource = z.infer<typeof AnswerSource>;

/** Why no answer was extracted: `truncated` means the output stops inside a `\boxed{`, `<answer>` or `<think>`. */
export const NoAnswerReason = z.enum(['no-answer', 'truncated', 'refusal', 'hedge', 'retracted', 'empty']);
export type NoAnswerReason = z.infer<typeof NoAnswerReason>;

/** The final answer of a response, or why there is none. */
export const Extraction = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('found'),
    answer: z.string().min(1), // text.slice(...span), except joined boxes and solution lists: parts joined by ", "
    source: AnswerSource,
    span: z.tuple([z.number().int().min(0), z.number().int().min(0)]), // [start, end) in the input text
  }),
  z.object({ status: z.literal('none'), reason: NoAnswerReason }),
]);
export type Extraction = z.infer<typeof Extraction>;

/** Caps that keep extraction cheap on any input. */
export interface ExtractOptions {
  /** Only the last this-many characters are scanned (default 8192). */
  maxScanChars?: number;
  /** A longer answer is `none`/`no-answer` (default 1024): the output is complete, the answer is not usable. */
  maxAnswerChars?: number;
}

type Range = [number, number];
type ExplicitSource = Exclude<AnswerSource, 'bold' | 'last-number'>;

interface Limits {
  maxScanChars: number;
  maxAnswerChars: number;
}

interface Box {
  start: number;
  end: number;
  contentStart: number;
  contentEnd: number;
  terminated: boolean;
}

interface Candidate {
  source: ExplicitSource;
  start: number;
  contentStart: number;
  contentEnd: number; // -1: textual anchor, its content is read when it wins
  terminated: boolean;
  boxIndex: number;
}

interface SegmentScan {
  start: number;
  end: number;
  match: Int32Array; // index of the matching `}` for each `{` (relative to start), -1 if none
  boxes: Box[];
  candidates: Candidate[];
  bolds: Range[];
}

interface NumberToken {
  start: number;
  end: number;
  segment: number;
}

const DEFAULT_MAX_SCAN_CHARS = 8192;
const DEFAULT_MAX_ANSWER_CHARS = 1024;
/** An anchor's answer must begin within this many characters of it. */
const ANCHOR_LOOKAHEAD = 64;
/** Boxes further apart than this are never joined. */
const JOIN_GAP = 64;
/** How far around the last number a sentence is read for hedges. */
const SENTENCE_REACH = 400;

const REFUSAL_PHRASES = [
  "i don't know", 'i do not know', "i'm not sure", 'i am not sure', 'not sure', 'i cannot', "i can't", 'i can not',
  "i'm unable", 'i am unable', 'unable to', 'sorry', 'as an ai', 'as a language model', 'cannot be determined',
  "can't be determined", 'cannot determine', "can't determine", 'not enough information', 'insufficient information',
  'no unique answer', 'ran out of time', "i won't", 'i will not', 'is ambiguous', 'cannot solve', "can't solve",
  'cannot answer', "can't answer", 'impossible to determine', 'not possible to determine',
];
/** "The answer is correct / as shown above" points back at an answer rather than giving one. */
const BACK_REFERENCE_WORDS = new Set(['correct', 'reasonable', 'consistent', 'right', 'valid', 'verified', 'confirmed', 'plausible', 'sensible', 'accurate', 'as', 'shown', 'above', 'below', 'given', 'stated', 'boxed']);
/** Words between an anchor and its answer: "the answer is indeed 12". */
const FILLER_WORDS = new Set(['indeed', 'therefore', 'thus', 'then', 'simply', 'just', 'exactly', 'clearly']);
const HEDGE_WORDS = new Set(['either', 'maybe', 'perhaps', 'possibly', 'probably', 'might', 'guess', 'unsure']);
const EMBEDDING_MACROS = new Set(['cdot', 'times', 'div', 'pm', 'mp', 'sqrt', 'frac', 'dfrac', 'tfrac']);
const TEXT_MACROS = ['\\text', '\\mathrm', '\\mathbf', '\\textbf', '\\mbox'];
const FRACTION_MACROS = ['\\frac', '\\dfrac', '\\tfrac'];

/**
 * The final answer of a model response: explicit anchors and boxes first (right-most wins), then a bold value, then
 * the last number; `none` with a reason for empty, truncated, refusing or hedging responses. Linear in the scanned
 * tail; `<think>...</think>` is ignored.
 */
export function extractFinalAnswer(text: string, options: ExtractOptions = {}): Extraction {
  const limits = readLimits(options);
  if (isBlank(text, 0, text.length)) return none('empty');
  const windowStart = Math.max(0, text.length - limits.maxScanChars);
  const visible = findVisibleSegments(text, windowStart);
  const segments = visible.segments.filter(([start, end]) => !isBlank(text, start, end));
  if (segments.length === 0) return none(visible.unclosedThink ? 'truncated' : 'no-answer');
  const scans = segments.map(([start, end]) => scanSegment(text, start, end, limits));
  let winner: { scan: SegmentScan; candidate: Candidate } | undefined;
  for (const scan of scans) {
    for (const candidate of scan.candidates) if (!winner || candidate.start > winner.candidate.start) winner = { scan, candidate };
  }
  const extraction = winner ? resolveCandidate(text, winner.scan, winner.candidate, limits) : extractFallback(text, scans, limits, visible.unclosedThink);
  if (extraction.status === 'found' && isRetractedAfter(text, extraction.span[1], segments)) return none('retracted');
  if (extraction.status === 'found' && extraction.source === 'boxed' && isRaisedAfterBox(text, extraction.span[1])) return none('no-answer');
  return extraction;
}

/**
 * Words after the final answer that take it back ("The answer is 5. Wait, that is wrong ... so 6."): the answer is not
 * final, and what replaces it has no anchor, so there is no answer. Only self-revision markers count, not "wrong" alone
 * (explanations of multiple choice say other options are wrong).
 */
const RETRACTION = /\b(?:wait|actually|oops|hmm+|mistake|mistaken|redo|recompute|recomputing|recalculate|recalculating|reconsider|reconsidering|made an error|that is wrong|that's wrong|this is wrong|that is incorrect|that's incorrect)\b/i;

/** `\\boxed{3}^2`: the box is the base of a power, so its content is not the value (a trailing `^\\circ` is a unit). */
function isRaisedAfterBox(text: string, contentEnd: number): boolean {
  const after = /^\}+\s*\^\s*(\{?\s*\\circ)?/.exec(text.slice(contentEnd, contentEnd + 16));
  return after !== null && after[1] === undefined;
}

function isRetractedAfter(text: string, answerEnd: number, segments: Range[]): boolean {
  return segments.some(([start, end]) => end > answerEnd && RETRACTION.test(text.slice(Math.max(start, answerEnd), end).replace(/\u2019/g, "'")));
}

function readLimits(options: ExtractOptions): Limits {
  const maxScanChars = Math.floor(options.maxScanChars ?? DEFAULT_MAX_SCAN_CHARS);
  const maxAnswerChars = Math.floor(options.maxAnswerChars ?? DEFAULT_MAX_ANSWER_CHARS);
  if (!(maxScanChars >= 1) || !(maxAnswerChars >= 1)) throw new RangeError('maxScanChars and maxAnswerChars must be at least 1');
  return { maxScanChars, maxAnswerChars };
}

function none(reason: NoAnswerReason): Extraction {
  return { status: 'none', reason };
}

function found(text: string, range: Range, source: AnswerSource, limits: Limits): Extraction {
  const [start, end] = range;
  if (end <= start) return none('no-answer');
  if (end - start > limits.maxAnswerChars) return none('no-answer');
  return { status: 'found', answer: text.slice(start, end), source, span: [start, end] };
}

/**
 * Visible ranges of the window: `<think>` hides up to its `</think>` (to the end if unclosed). A `</think>` with no
 * opener before it (R1 chat templates put `<think>` in the prompt; a long thought can also start before the window)
 * hides everything before it.
 */
function findVisibleSegments(text: string, windowStart: number): { segments: Range[]; unclosedThink: boolean } {
  const tagStart = Math.max(0, windowStart - '</think>'.length);
  let inThink = false;
  if (windowStart > 0) {
    const open = text.lastIndexOf('<think>', tagStart);
    inThink = open !== -1 && text.indexOf('</think>', open) === -1;
  }
  const segments: Range[] = [];
  let segmentStart = windowStart;
  let seenTag = inThink;
  let index = text.indexOf('<', tagStart);
  while (index !== -1) {
    if (text.startsWith('<think>', index)) {
      if (!inThink) segments.push([segmentStart, Math.max(index, windowStart)]);
      inThink = true;
      seenTag = true;
      index += '<think>'.length;
    } else if (text.startsWith('</think>', index)) {
      if (inThink || !seenTag) {
        inThink = false;
        segmentStart = Math.max(index + '</think>'.length, windowStart);
      }
      seenTag = true;
      index += '</think>'.length;
    } else {
      index += 1;
    }
    index = text.indexOf('<', index);
  }
  if (!inThink) segments.push([segmentStart, text.length]);
  return { segments: segments.filter(([start, end]) => end > start), unclosedThink: inThink };
}

function scanSegment(text: string, start: number, end: number, limits: Limits): SegmentScan {
  const match = matchBraces(text, start, end);
  const covered = new Uint8Array(end - start);
  const boxes = findBoxes(text, start, end, match, limits);
  const candidates: Candidate[] = [];
  boxes.forEach((box, boxIndex) => {
    covered.fill(1, box.start - start, box.end - start);
    candidates.push({ source: 'boxed', start: box.start, contentStart: box.contentStart, contentEnd: box.contentEnd, terminated: box.terminated, boxIndex });
  });
  findAnswerTags(text, start, end, covered, candidates);
  findTextualAnchors(text, start, end, covered, candidates);
  return { start, end, match, boxes, candidates, bolds: findBolds(text, start, end) };
}

function matchBraces(text: string, start: number, end: number): Int32Array {
  const match = new Int32Array(end - start).fill(-1);
  const stack = new Int32Array(end - start);
  let depth = 0;
  for (let index = start; index < end; index++) {
    const code = text.charCodeAt(index);
    if (code === 92) index += 1; // `\{`, `\}` and `\\` are not group braces
    else if (code === 123) stack[depth++] = index;
    else if (code === 125 && depth > 0) match[(stack[--depth] ?? start) - start] = index;
  }
  return match;
}

/** Top-level `\boxed`/`\fbox` groups; boxes nested in a box belong to its content. An unterminated box ends the list. */
function findBoxes(text: string, start: number, end: number, match: Int32Array, limits: Limits): Box[] {
  const boxes: Box[] = [];
  let index = text.indexOf('\\', start);
  while (index !== -1 && index < end) {
    const macroLength = text.startsWith('\\boxed', index) ? 6 : text.startsWith('\\fbox', index) ? 5 : 0;
    let next = index + 1;
    if (macroLength > 0 && !isAsciiLetter(text.charCodeAt(index + macroLength))) {
      let cursor = index + macroLength;
      while (cursor < end && (text.charCodeAt(cursor) === 32 || text.charCodeAt(cursor) === 9)) cursor++;
      if (cursor >= end || isBlank(text, cursor, end)) {
        boxes.push({ start: index, end, contentStart: end, contentEnd: end, terminated: false });
        break;
      }
      if (text.charCodeAt(cursor) === 123) {
        const close = match[cursor - start] ?? -1;
        if (close === -1) {
          boxes.push({ start: index, end, contentStart: cursor + 1, contentEnd: end, terminated: false });
          break;
        }
        if (!isBlank(text, cursor + 1, close)) {
          boxes.push({ start: index, end: close + 1, contentStart: cursor + 1, contentEnd: close, terminated: true });
        }
        next = close + 1;
      } else if (cursor > index + macroLength || isDigit(text.charCodeAt(cursor))) {
        let tokenEnd = cursor;
        while (tokenEnd < end && tokenEnd - cursor <= limits.maxAnswerChars) {
          const code = text.charCodeAt(tokenEnd);
          if (isSpace(code) || code === 36 || code === 125 || (code === 92 && tokenEnd > cursor)) break;
          tokenEnd++;
        }
        boxes.push({ start: index, end: tokenEnd, contentStart: cursor, contentEnd: tokenEnd, terminated: true });
        next = Math.max(tokenEnd, index + 1);
      }
    }
    index = text.indexOf('\\', next);
  }
  return boxes;
}

function findAnswerTags(text: string, start: number, end: number, covered: Uint8Array, candidates: Candidate[]): void {
  let open = text.indexOf('<answer>', start);
  while (open !== -1 && open < end) {
    if (covered[open - start]) {
      open = text.indexOf('<answer>', open + 1);
      continue;
    }
    const contentStart = open + '<answer>'.length;
    const close = text.indexOf('</answer>', contentStart);
    if (close === -1 || close + '</answer>'.length > end) {
      covered.fill(1, open - start);
      candidates.push({ source: 'answer-tag', start: open, contentStart, contentEnd: end, terminated: false, boxIndex: -1 });
      return;
    }
    covered.fill(1, open - start, close + '</answer>'.length - start);
    if (!isBlank(text, contentStart, close)) {
      candidates.push({ source: 'answer-tag', start: open, contentStart, contentEnd: close, terminated: true, boxIndex: -1 });
    }
    open = text.indexOf('<answer>', close);
  }
}

/** `FINAL ANSWER:`, "the final answer is", "the answer is", `Answer:` at a line start, "the correct option is", `#### X`. */
function findTextualAnchors(text: string, start: number, end: number, covered: Uint8Array, candidates: Candidate[]): void {
  for (let index = start; index < end; index++) {
    if (covered[index - start]) continue;
    const lower = lowerCode(text.charCodeAt(index));
    if (lower === 35) {
      const candidate = readHashAnchor(text, index, start, end);
      if (candidate) candidates.push(candidate);
      continue;
    }
    if (lower !== 97 && lower !== 111 && lower !== 99) continue;
    if (index > start && isAsciiLetter(text.charCodeAt(index - 1))) continue;
    const candidate = lower === 97 ? readAnswerWord(text, index, start, end) : readOptionWord(text, index, start, end);
    if (candidate) candidates.push(candidate);
  }
}

function readAnswerWord(text: string, index: number, start: number, end: number): Candidate | undefined {
  if (!matchesAt(text, index, 'answer', end)) return undefined;
  let cursor = index + 'answer'.length;
  const plural = lowerCode(text.charCodeAt(cursor)) === 115;
  if (plural) cursor += 1;
  if (cursor < end && isAsciiLetter(text.charCodeAt(cursor))) return undefined;
  cursor = skipInline(text, cursor, end);
  let colon = false;
  if (text.charCodeAt(cursor) === 58) {
    colon = true;
    cursor += 1;
  } else {
    const verb = plural ? 'are' : 'is';
    if (!matchesWordAt(text, cursor, verb, end)) return readAnswerHeading(text, index, cursor, start, end);
    cursor = skipInline(text, cursor + verb.length, end);
    if (text.charCodeAt(cursor) === 58) cursor += 1;
  }
  const finalIndex = precedingWord(text, index, start, 'final');
  if (colon && finalIndex === -1 && !atLineStart(text, index, start)) return undefined;
  const contentStart = skipFillers(text, skipLead(text, cursor, end), end);
  if (contentStart === -1 || BACK_REFERENCE_WORDS.has(wordAt(text, contentStart, end))) return undefined;
  const source: ExplicitSource = finalIndex !== -1 ? 'final-answer' : colon ? 'answer-colon' : 'answer-is';
  return { source, start: finalIndex !== -1 ? finalIndex : index, contentStart, contentEnd: -1, terminated: true, boxIndex: -1 };
}

/**
 * A "Final Answer" heading (`**Final Answer**`, `## Final Answer`) alone on its line, with the value on the next
 * non-blank line. Only a line that looks like a value counts: prose under the heading is left to the fallback.
 */
function readAnswerHeading(text: string, answerIndex: number, cursor: number, start: number, end: number): Candidate | undefined {
  const finalIndex = precedingWord(text, answerIndex, start, 'final');
  if (finalIndex === -1 || !atLineStart(text, finalIndex, start)) return undefined;
  let lineEnd = cursor;
  while (lineEnd < end && lineEnd - cursor < 8 && isHeadingDecoration(text.charCodeAt(lineEnd))) lineEnd++;
  if (text.charCodeAt(lineEnd) === 13) lineEnd++;
  if (text.charCodeAt(lineEnd) !== 10) return undefined;
  const contentStart = skipLead(text, lineEnd, end);
  if (contentStart === -1) return undefined;
  let contentEnd = text.indexOf('\n', contentStart);
  if (contentEnd === -1 || contentEnd > end) contentEnd = end;
  const line = trimRange(text, stripWrappers(text, [contentStart, contentEnd]));
  if (!looksLikeValue(text, line)) return undefined;
  return { source: 'final-answer', start: finalIndex, contentStart, contentEnd: -1, terminated: true, boxIndex: -1 };
}

/** What may follow "Final Answer" on a heading line: spaces, `*`, `#`, `:`, `_`. */
function isHeadingDecoration(code: number): boolean {
  return code === 32 || code === 9 || code === 42 || code === 35 || code === 58 || code === 95;
}

function readOptionWord(text: string, index: number, start: number, end: number): Candidate | undefined {
  const word = matchesWordAt(text, index, 'option', end) ? 'option' : matchesWordAt(text, index, 'choice', end) ? 'choice' : undefined;
  if (!word) return undefined;
  const correctIndex = precedingWord(text, index, start, 'correct');
  if (correctIndex === -1) return undefined;
  let cursor = skipInline(text, index + word.length, end);
  if (!matchesWordAt(text, cursor, 'is', end)) return undefined;
  cursor = skipInline(text, cursor + 2, end);
  if (text.charCodeAt(cursor) === 58) cursor += 1;
  const contentStart = skipFillers(text, skipLead(text, cursor, end), end);
  if (contentStart === -1 || BACK_REFERENCE_WORDS.has(wordAt(text, contentStart, end))) return undefined;
  return { source: 'answer-is', start: correctIndex, contentStart, contentEnd: -1, terminated: true, boxIndex: -1 };
}

/** GSM8K's `#### 72`: exactly four hashes after a line start or space; a markdown heading (`#### Step 2`) is not one. */
function readHashAnchor(text: string, index: number, start: number, end: number): Candidate | undefined {
  if (!text.startsWith('####', index) || text.charCodeAt(index + 4) === 35) return undefined;
  if (index > start && !isSpace(text.charCodeAt(index - 1))) return undefined;
  let cursor = index + 4;
  while (cursor < end && cursor - index < ANCHOR_LOOKAHEAD && (text.charCodeAt(cursor) === 32 || text.charCodeAt(cursor) === 9)) cursor++;
  if (cursor >= end || isSpace(text.charCodeAt(cursor))) return undefined;
  if (isAsciiLetter(text.charCodeAt(cursor)) && isAsciiLetter(text.charCodeAt(cursor + 1))) return undefined;
  return { source: 'hash-anchor', start: index, contentStart: cursor, contentEnd: -1, terminated: true, boxIndex: -1 };
}

function findBolds(text: string, start: number, end: number): Range[] {
  const bolds: Range[] = [];
  let open = -1;
  let newline = -2;
  let index = text.indexOf('**', start);
  while (index !== -1 && index + 2 <= end) {
    if (open === -1) {
      open = index;
    } else {
      // opens only move forward, so each stretch of text is searched for a newline once
      if (newline === -2 || (newline !== -1 && newline < open)) newline = text.indexOf('\n', open);
      if (newline !== -1 && newline < index) {
        open = index;
      } else {
        bolds.push([open + 2, index]);
        open = -1;
      }
    }
    index = text.indexOf('**', index + 2);
  }
  return bolds;
}

function resolveCandidate(text: string, scan: SegmentScan, candidate: Candidate, limits: Limits): Extraction {
  if (!candidate.terminated) return none('truncated');
  if (candidate.source === 'boxed') return resolveBoxes(text, scan, candidate.boxIndex, limits);
  if (candidate.source === 'answer-tag') return found(text, stripWrappers(text, [candidate.contentStart, candidate.contentEnd]), 'answer-tag', limits);
  const contentEnd = readAnchoredContent(text, candidate.contentStart, scan.end, limits.maxAnswerChars);
  if (contentEnd === -1) return none('no-answer');
  let range = cutRejectedAlternative(text, stripWrappers(text, [candidate.contentStart, contentEnd]));
  if (startsWithHedge(text, range)) return none('hedge');
  range = trimChoiceLetter(text, range);
  return found(text, range, candidate.source, limits);
}

/** ", not 8", " (not 8)", " rather than 8" after an anchored answer: the value set aside is not part of the answer. */
const REJECTED_ALTERNATIVE = /[,;]?\s*\(?\s*\b(?:not|rather than|instead of)\s/gi;

function cutRejectedAlternative(text: string, [start, end]: Range): Range {
  const answer = text.slice(start, end);
  for (const match of answer.matchAll(REJECTED_ALTERNATIVE)) {
    if (match.index === 0) return [start, end];
    // Inside braces the words belong to the answer: \text{not possible}.
    let depth = 0;
    for (let index = 0; index < match.index; index++) {
      const code = answer.charCodeAt(index);
      if (code === 123) depth++;
      else if (code === 125 && depth > 0) depth--;
    }
    if (depth === 0) return trimRange(text, [start, start + match.index]);
  }
  return [start, end];
}

/**
 * An anchor's answer runs to the end of its line or sentence (a `.` followed by a space), or to a `)`/`]` closing a
 * bracket opened before it, except inside math or braces. Returns -1 when it is longer than `maxAnswerChars`.
 */
function readAnchoredContent(text: string, start: number, end: number, maxAnswerChars: number): number {
  let depth = 0;
  let brackets = 0; // `(` and `[` together, since intervals mix them: `[0, 1)`
  let inlineMath = false;
  let displayMath = false;
  for (let index = start; index < end; index++) {
    if (index - start > maxAnswerChars) return -1;
    const code = text.charCodeAt(index);
    if (code === 92) {
      const next = text.charCodeAt(index + 1);
      if (next === 40 || next === 91) depth += 1;
      else if ((next === 41 || next === 93) && depth > 0) depth -= 1;
      index += 1;
    } else if (code === 123) {
      depth += 1;
    } else if (code === 125) {
      if (depth > 0) depth -= 1;
    } else if (code === 36) {
      if (text.charCodeAt(index + 1) === 36) {
        displayMath = !displayMath;
        index += 1;
      } else {
        inlineMath = !inlineMath;
      }
    } else if (code === 40 || code === 91) {
      brackets += 1;
    } else if (code === 41 || code === 93) {
      if (brackets === 0 && depth === 0 && !inlineMath && !displayMath) return index;
      if (brackets > 0) brackets -= 1;
    } else if (depth === 0 && !displayMath) {
      // inline `$` math does not cross lines in practice, and a lone `$` is usually money
      if (code === 10) return index;
      if (!inlineMath && code === 46 && (index + 1 >= end || isSpace(text.charCodeAt(index + 1)))) return index;
    }
  }
  return end;
}

/**
 * The last box, joined with the boxes before it while only "and", "or", commas, `$` or spaces separate them;
 * identical boxes count once.
 */
function resolveBoxes(text: string, scan: SegmentScan, lastIndex: number, limits: Limits): Extraction {
  const chosen: Box[] = [];
  for (let index = lastIndex; index >= 0; index--) {
    const box = scan.boxes[index];
    if (!box || !box.terminated) break;
    const following = chosen[chosen.length - 1];
    if (following && !isJoinGap(text, box.end, following.start)) break;
    chosen.push(box);
  }
  chosen.reverse();
  const parts: Range[] = [];
  const seen = new Set<string>();
  for (const box of chosen) {
    const range = stripWrappers(text, unwrapBoxes(text, scan, [box.contentStart, box.contentEnd]));
    const content = text.slice(range[0], range[1]);
    if (range[1] <= range[0] || seen.has(content)) continue;
    seen.add(content);
    parts.push(range);
  }
  const first = parts[0];
  const last = parts[parts.length - 1];
  if (!first || !last) return none('no-answer');
  if (parts.length === 1) return found(text, first, 'boxed', limits);
  return joined(text, parts, 'boxed', limits);
}

function joined(text: string, parts: Range[], source: AnswerSource, limits: Limits): Extraction {
  const answer = parts.map(([start, end]) => text.slice(start, end)).join(', ');
  const first = parts[0];
  const last = parts[parts.length - 1];
  if (!first || !last || answer.length > limits.maxAnswerChars) return none('no-answer');
  return { status: 'found', answer, source, span: [first[0], last[1]] };
}

/** `\boxed{\boxed{x}}` is `x`. */
function unwrapBoxes(text: string, scan: SegmentScan, range: Range): Range {
  let [start, end] = trimRange(text, range);
  for (;;) {
    const macroLength = text.startsWith('\\boxed', start) ? 6 : text.startsWith('\\fbox', start) ? 5 : 0;
    if (macroLength === 0) return [start, end];
    let cursor = start + macroLength;
    while (cursor < end && text.charCodeAt(cursor) === 32) cursor++;
    if (text.charCodeAt(cursor) !== 123 || scan.match[cursor - scan.start] !== end - 1) return [start, end];
    [start, end] = trimRange(text, [cursor + 1, end - 1]);
  }
}

function isJoinGap(text: string, start: number, end: number): boolean {
  if (end - start > JOIN_GAP) return false;
  let index = start;
  while (index < end) {
    const code = text.charCodeAt(index);
    if (isSpace(code) || code === 44 || code === 59 || code === 36 || code === 38 || code === 125) {
      index += 1;
    } else if (code === 92) {
      const next = text.charCodeAt(index + 1);
      if (next === 40 || next === 41 || next === 91 || next === 93 || next === 44 || next === 59) index += 2;
      else if (text.startsWith('\\qquad', index)) index += 6;
      else if (text.startsWith('\\quad', index)) index += 5;
      else if (text.startsWith('\\text{', index)) index += 6;
      else return false;
    } else if (matchesWordAt(text, index, 'and', end)) {
      index += 3;
    } else if (matchesWordAt(text, index, 'or', end)) {
      index += 2;
    } else {
      return false;
    }
  }
  return true;
}

/** Strips spaces, one trailing period, markdown `*` and enclosing `$...$`, `$$...$$`, `\(...\)`, `\[...\]`. */
function stripWrappers(text: string, range: Range): Range {
  let [start, end] = range;
  for (let round = 0; round < 8; round++) {
    const before: Range = [start, end];
    [start, end] = trimRange(text, [start, end]);
    while (start < end && text.charCodeAt(start) === 42) start++;
    while (end > start && text.charCodeAt(end - 1) === 42) end--;
    [start, end] = trimRange(text, [start, end]);
    if (end > start && text.charCodeAt(end - 1) === 46 && text.charCodeAt(end - 2) !== 46) end -= 1;
    if (end - start >= 4 && text.startsWith('$$', start) && text.startsWith('$$', end - 2) && !includesIn(text, '$', start + 2, end - 2)) {
      [start, end] = [start + 2, end - 2];
    } else if (end - start >= 2 && text.charCodeAt(start) === 36 && text.charCodeAt(end - 1) === 36 && !includesIn(text, '$', start + 1, end - 1)) {
      [start, end] = [start + 1, end - 1];
    } else if (end - start >= 4 && text.startsWith('\\(', start) && text.startsWith('\\)', end - 2) && !includesIn(text, '\\(', start + 2, end - 2)) {
      [start, end] = [start + 2, end - 2];
    } else if (end - start >= 4 && text.startsWith('\\[', start) && text.startsWith('\\]', end - 2) && !includesIn(text, '\\[', start + 2, end - 2)) {
      [start, end] = [start + 2, end - 2];
    }
    if (start === before[0] && end === before[1]) break;
  }
  return trimRange(text, [start, end]);
}

/** "(A) $x = 2$" answers (A); left alone when another lettered option follows ("(A) and (C)"). */
function trimChoiceLetter(text: string, range: Range): Range {
  const [start, end] = range;
  const letter = text.charCodeAt(start + 1);
  if (end - start <= 3 || text.charCodeAt(start) !== 40 || letter < 65 || letter > 74 || text.charCodeAt(start + 2) !== 41) return range;
  if (!isSpace(text.charCodeAt(start + 3))) return range;
  for (let index = start + 3; index + 2 < end; index++) {
    const other = text.charCodeAt(index + 1);
    if (text.charCodeAt(index) === 40 && other >= 65 && other <= 74 && text.charCodeAt(index + 2) === 41) return range;
  }
  return [start, start + 3];
}

function startsWithHedge(text: string, range: Range): boolean {
  return HEDGE_WORDS.has(wordAt(text, range[0], range[1]));
}

/** No anchor or box: a bold value, else the last number, unless the response refuses or hedges. */
function extractFallback(text: string, scans: SegmentScan[], limits: Limits, unclosedThink: boolean): Extraction {
  if (scans.some((scan) => isRefusal(text, scan.start, scan.end))) return none('refusal');
  const token = findLastNumber(text, scans);
  const bold = findValueBold(text, scans);
  if (bold && (!token || token.start < bold.range[1])) {
    if (isHedged(text, bold.range, bold.scan)) return none('hedge');
    return found(text, bold.range, 'bold', limits);
  }
  if (!token) return none(unclosedThink ? 'truncated' : 'no-answer');
  const scan = scans[token.segment];
  if (!scan) return none('no-answer');
  if (isHedged(text, [token.start, token.end], scan)) return none('hedge');
  if (isContradictedAfter(text, token.end, scan.end)) return none('no-answer');
  const math = findMathSpans(text, scan, token.start);
  const holder = math[math.length - 1];
  if (holder && holder.contentStart <= token.start && token.end <= holder.contentEnd) {
    const solutions = readSolutionList(text, math);
    if (solutions.length > 1) return joined(text, solutions, 'last-number', limits);
    return found(text, rightHandSide(text, [holder.contentStart, holder.contentEnd], token.start), 'last-number', limits);
  }
  if (isEmbedded(text, token, scan)) return none('no-answer');
  if (isReferenceLabel(text, token.start, scan.start)) return none('no-answer');
  return found(text, [token.start, token.end], 'last-number', limits);
}

/**
 * Words after the last number that take it back or set it aside ("$x=3$ is a root, but we need the other one",
 * "is it 4?"): with no anchor to say otherwise, such a number is no answer. Read to the end of the text, which holds
 * no other number by construction.
 */
const CONTRADICTING_WORDS = new Set(['but', 'however', 'though', 'although', 'except', 'instead', 'not', "isn't", 'wrong', 'incorrect', 'other', 'another', 'unless', 'rather']);
const CONTRADICTION_REACH = 200;

function isContradictedAfter(text: string, numberEnd: number, end: number): boolean {
  const tailEnd = Math.min(end, numberEnd + CONTRADICTION_REACH);
  if (tailEnd < end && text.slice(tailEnd, end).trim() !== '') return false; // a long tail: the number is not near the end
  for (let index = numberEnd; index < tailEnd; ) {
    const code = text.charCodeAt(index);
    if (code === 63) return true; // a question mark: the number is asked about, not asserted
    if (!isAsciiLetter(code)) {
      index++;
      continue;
    }
    let wordEnd = index;
    while (wordEnd < tailEnd && (isAsciiLetter(text.charCodeAt(wordEnd)) || text.charCodeAt(wordEnd) === 39)) wordEnd++;
    if (CONTRADICTING_WORDS.has(asciiLower(text.slice(index, wordEnd)))) return true;
    index = wordEnd;
  }
  return false;
}

/** Nouns whose number names a part of the text, not a value ("see section 4", "(step 3)"). */
const REFERENCE_NOUNS = ['section', 'step', 'steps', 'line', 'equation', 'eq', 'figure', 'fig', 'page', 'question', 'problem', 'part', 'case', 'example', 'chapter', 'table', 'lemma', 'theorem', 'exercise', 'item'];

/** The last number follows a reference noun: it names where, not what, so it is no answer. */
function isReferenceLabel(text: string, numberStart: number, segmentStart: number): boolean {
  let cursor = numberStart;
  while (cursor > segmentStart && numberStart - cursor < 4 && (text.charCodeAt(cursor - 1) === 32 || text.charCodeAt(cursor - 1) === 46 || text.charCodeAt(cursor - 1) === 35)) cursor--;
  if (cursor === numberStart) return false;
  let wordStart = cursor;
  while (wordStart > segmentStart && cursor - wordStart < 12 && isAsciiLetter(text.charCodeAt(wordStart - 1))) wordStart--;
  return REFERENCE_NOUNS.includes(text.slice(wordStart, cursor).toLowerCase());
}

function isRefusal(text: string, start: number, end: number): boolean {
  const lower = text.slice(start, end).replace(/[A-Z\u2019]/g, (character) => (character === '\u2019' ? "'" : character.toLowerCase()));
  return REFUSAL_PHRASES.some((phrase) => lower.includes(phrase));
}

function findValueBold(text: string, scans: SegmentScan[]): { range: Range; scan: SegmentScan } | undefined {
  for (let scanIndex = scans.length - 1; scanIndex >= 0; scanIndex--) {
    const scan = scans[scanIndex];
    if (!scan) continue;
    for (let index = scan.bolds.length - 1; index >= 0; index--) {
      const bold = scan.bolds[index];
      if (!bold) continue;
      const range = stripWrappers(text, bold);
      if (looksLikeValue(text, range)) return { range, scan };
    }
  }
  return undefined;
}

/** `**73**`, `**$\frac12$**`, `**x = 5**`, `**B**`; not headings such as `**Solution.**` or `**Step 2:**`. */
function looksLikeValue(text: string, [start, end]: Range): boolean {
  if (end <= start || text.charCodeAt(end - 1) === 58) return false;
  const first = text.charCodeAt(start);
  if (isDigit(first) || first === 45 || first === 0x2212 || first === 43 || first === 46 || first === 36 || first === 92 || first === 40 || first === 91 || first === 123) return true;
  if (end - start === 1 && first >= 65 && first <= 90) return true;
  if (!isAsciiLetter(first)) return false;
  let cursor = start + 1;
  while (cursor < end && text.charCodeAt(cursor) === 32) cursor++;
  return text.charCodeAt(cursor) === 61;
}

function findLastNumber(text: string, scans: SegmentScan[]): NumberToken | undefined {
  for (let segment = scans.length - 1; segment >= 0; segment--) {
    const scan = scans[segment];
    if (!scan) continue;
    let last: NumberToken | undefined;
    for (let index = scan.start; index < scan.end; ) {
      const code = text.charCodeAt(index);
      if (code === 92) {
        const end = readLatexFraction(text, index, scan.end);
        if (end !== -1) {
          last = { start: withSign(text, index, scan.start), end, segment };
          index = end;
        } else {
          index += 2;
        }
      } else if (isDigit(code) || (code === 46 && isDigit(text.charCodeAt(index + 1)) && !isDigit(text.charCodeAt(index - 1)))) {
        const end = readNumber(text, index, scan.end);
        last = { start: withSign(text, index, scan.start), end, segment };
        index = end;
      } else {
        index += 1;
      }
    }
    if (last) return last;
  }
  return undefined;
}

/** `-1,234.5`, `1.5e3`, `3/4`, `2 1/2`, `45%`, `40\%` (the `$` of `$12` is left out). */
function readNumber(text: string, start: number, end: number): number {
  let cursor = start;
  while (digitAt(text, end, cursor)) cursor++;
  let plainInteger = cursor > start;
  if (cursor - start >= 1 && cursor - start <= 3) {
    while (text.charCodeAt(cursor) === 44 && digitAt(text, end, cursor + 1) && digitAt(text, end, cursor + 2) && digitAt(text, end, cursor + 3) && !digitAt(text, end, cursor + 4)) {
      cursor += 4;
      plainInteger = false;
    }
  }
  if (text.charCodeAt(cursor) === 46 && digitAt(text, end, cursor + 1)) {
    cursor += 1;
    while (digitAt(text, end, cursor)) cursor++;
    plainInteger = false;
  }
  if (lowerCode(text.charCodeAt(cursor)) === 101) {
    let exponent = cursor + 1;
    if (text.charCodeAt(exponent) === 43 || text.charCodeAt(exponent) === 45) exponent += 1;
    if (digitAt(text, end, exponent)) {
      while (digitAt(text, end, exponent)) exponent++;
      if (!(exponent < end && isAsciiLetter(text.charCodeAt(exponent)))) {
        cursor = exponent;
        plainInteger = false;
      }
    }
  }
  if (text.charCodeAt(cursor) === 47 && digitAt(text, end, cursor + 1)) {
    cursor += 1;
    while (digitAt(text, end, cursor)) cursor++;
  } else if (plainInteger && text.charCodeAt(cursor) === 32 && digitAt(text, end, cursor + 1)) {
    let fraction = cursor + 1;
    while (digitAt(text, end, fraction)) fraction++;
    if (text.charCodeAt(fraction) === 47 && digitAt(text, end, fraction + 1)) {
      fraction += 1;
      while (digitAt(text, end, fraction)) fraction++;
      cursor = fraction;
    }
  }
  if (cursor < end && text.charCodeAt(cursor) === 37) cursor += 1;
  else if (cursor + 1 < end && text.startsWith('\\%', cursor)) cursor += 2;
  return Math.min(cursor, end);
}

/** `\frac{3}{7}`, `\dfrac{3}{7}`, `\frac37`: -1 when `start` does not begin one of digits. */
function readLatexFraction(text: string, start: number, end: number): number {
  const macro = FRACTION_MACROS.find((name) => text.startsWith(name, start));
  if (!macro) return -1;
  let cursor = start + macro.length;
  if (digitAt(text, end, cursor) && digitAt(text, end, cursor + 1)) return cursor + 2;
  for (let group = 0; group < 2; group++) {
    if (text.charCodeAt(cursor) !== 123 || !digitAt(text, end, cursor + 1)) return -1;
    cursor += 1;
    while (digitAt(text, end, cursor)) cursor++;
    if (text.charCodeAt(cursor) !== 125) return -1;
    cursor += 1;
  }
  return cursor <= end ? cursor : -1;
}

/** A `-` directly before a number is its sign unless it follows a letter, digit or closing bracket (`5-3`). */
function withSign(text: string, start: number, segmentStart: number): number {
  if (start - 1 < segmentStart) return start;
  const sign = text.charCodeAt(start - 1);
  if (sign !== 45 && sign !== 0x2212) return start;
  if (start - 2 < segmentStart) return start - 1;
  const before = text.charCodeAt(start - 2);
  if (isAsciiLetter(before) || isDigit(before) || before === 41 || before === 93 || before === 125) return start;
  return start - 1;
}

/** A number that is part of an expression (`2^{10}`, `4\pi`, `3x`, `5 - 3`) is not an answer on its own. */
function isEmbedded(text: string, token: NumberToken, scan: SegmentScan): boolean {
  const before = token.start - 1;
  if (before >= scan.start) {
    const code = text.charCodeAt(before);
    if (isAsciiLetter(code) || code === 94 || code === 95) return true;
    if (code === 123 && !TEXT_MACROS.some((macro) => before >= macro.length && text.startsWith(macro, before - macro.length))) return true;
  }
  const previous = previousNonSpace(text, token.start, scan.start);
  if (previous !== -1) {
    const code = text.charCodeAt(previous);
    if (isOperator(code)) return true;
    if (isAsciiLetter(code)) {
      let wordStart = previous;
      while (wordStart > scan.start && previous - wordStart < 8 && isAsciiLetter(text.charCodeAt(wordStart - 1))) wordStart--;
      if (text.charCodeAt(wordStart - 1) === 92 && EMBEDDING_MACROS.has(text.slice(wordStart, previous + 1))) return true;
    }
  }
  if (token.end < scan.end) {
    const code = text.charCodeAt(token.end);
    if (isAsciiLetter(code) || code === 94 || code === 95 || code === 123 || code === 40) return true;
    if (code === 92 && !['\\text', '\\mathrm', '\\,', '\\;', '\\ ', '\\quad', '\\$', '\\)', '\\]'].some((macro) => text.startsWith(macro, token.end))) return true;
  }
  const next = nextNonSpace(text, token.end, scan.end);
  return next !== -1 && isOperator(text.charCodeAt(next));
}

function isOperator(code: number): boolean {
  return code === 43 || code === 45 || code === 42 || code === 47 || code === 94 || code === 0xd7 || code === 0xb7 || code === 0xf7 || code === 0x2212;
}

/** The last sentence around a value hedges: "either", "maybe", "could be", "between 4 and 5", "4 or 5". */
function isHedged(text: string, [start, end]: Range, scan: SegmentScan): boolean {
  const sentenceStart = sentenceBoundary(text, start, scan.start, -1);
  const sentenceEnd = sentenceBoundary(text, end, scan.end, 1);
  for (let index = sentenceStart; index < sentenceEnd; index++) {
    if (!isAsciiLetter(text.charCodeAt(index)) || (index > sentenceStart && isAsciiLetter(text.charCodeAt(index - 1)))) continue;
    let wordEnd = index;
    while (wordEnd < sentenceEnd && isAsciiLetter(text.charCodeAt(wordEnd))) wordEnd++;
    const word = asciiLower(text.slice(index, wordEnd));
    if (HEDGE_WORDS.has(word)) return true;
    if (word === 'could' && matchesWordAt(text, skipSpaces(text, wordEnd, sentenceEnd), 'be', sentenceEnd)) return true;
    if (word === 'between' && startsNumber(text, skipSpacesAndDollars(text, wordEnd, sentenceEnd))) return true;
    if (word === 'or') {
      const left = previousNonSpaceOrDollar(text, index, sentenceStart);
      const right = skipSpacesAndDollars(text, wordEnd, sentenceEnd);
      if (left !== -1 && (isDigit(text.charCodeAt(left)) || text.charCodeAt(left) === 37) && startsNumber(text, right)) return true;
    }
    index = wordEnd;
  }
  return false;
}

function sentenceBoundary(text: string, from: number, limit: number, step: 1 | -1): number {
  let index = from;
  for (let travelled = 0; travelled < SENTENCE_REACH; travelled++) {
    const next = step === 1 ? index : index - 1;
    if (step === 1 ? next >= limit : next < limit) return index;
    const code = text.charCodeAt(next);
    if (code === 10) return index;
    if ((code === 46 || code === 33 || code === 63) && (step === 1 ? next + 1 >= limit || isSpace(text.charCodeAt(next + 1)) : isSpace(text.charCodeAt(next + 1)))) {
      return index;
    }
    index += step;
  }
  return index;
}

interface MathSpan {
  open: number;
  contentStart: number;
  contentEnd: number;
  close: number; // end of the closing delimiter
}

/**
 * Math spans of the segment up to the one holding `position` (the last element, when one does). `$` pairs follow
 * Pandoc: an opening `$` is followed by a non-space, a closing one preceded by a non-space and not followed by a digit,
 * and a blank line ends the search, so "$12 and $15" is money, not math.
 */
function findMathSpans(text: string, scan: SegmentScan, position: number): MathSpan[] {
  const { start, end } = scan;
  const nextCloser = new Int32Array(end - start + 1).fill(-1);
  for (let index = end - 1, closer = -1; index >= start; index--) {
    const code = text.charCodeAt(index);
    if (code === 10 && (text.charCodeAt(index + 1) === 10 || (text.charCodeAt(index + 1) === 13 && text.charCodeAt(index + 2) === 10))) closer = -1;
    if (isSingleDollar(text, index, start, end) && !isSpace(text.charCodeAt(index - 1)) && !isDigit(text.charCodeAt(index + 1))) closer = index;
    nextCloser[index - start] = closer;
  }
  const spans: MathSpan[] = [];
  const exhausted = new Set<string>();
  const pairedSearch = (open: number, opener: string, closer: string): MathSpan | undefined => {
    if (exhausted.has(closer)) return undefined;
    const close = text.indexOf(closer, open + opener.length);
    if (close === -1 || close + closer.length > end) {
      exhausted.add(closer);
      return undefined;
    }
    return { open, contentStart: open + opener.length, contentEnd: close, close: close + closer.length };
  };
  let index = start;
  while (index < end && index <= position) {
    const code = text.charCodeAt(index);
    let span: MathSpan | undefined;
    if (code === 92) {
      const next = text.charCodeAt(index + 1);
      if (next === 40) span = pairedSearch(index, '\\(', '\\)');
      else if (next === 91) span = pairedSearch(index, '\\[', '\\]');
      if (!span) {
        index += 2;
        continue;
      }
    } else if (code === 36) {
      if (text.charCodeAt(index + 1) === 36) {
        span = pairedSearch(index, '$$', '$$');
        if (!span) {
          index += 2;
          continue;
        }
      } else if (index + 1 < end && !isSpace(text.charCodeAt(index + 1))) {
        const close = nextCloser[index + 1 - start] ?? -1;
        if (close !== -1) span = { open: index, contentStart: index + 1, contentEnd: close, close: close + 1 };
      }
    }
    if (span) {
      spans.push(span);
      if (span.contentStart <= position && position < span.contentEnd) return spans;
      index = span.close;
    } else {
      index += 1;
    }
  }
  return spans;
}

function isSingleDollar(text: string, index: number, start: number, end: number): boolean {
  if (text.charCodeAt(index) !== 36) return false;
  if (index > start && (text.charCodeAt(index - 1) === 92 || text.charCodeAt(index - 1) === 36)) return false;
  return !(index + 1 < end && text.charCodeAt(index + 1) === 36);
}

/** `$x = 2$ or $x = 3$`: the values of consecutive assignments to one variable, in order, each once. */
function readSolutionList(text: string, spans: MathSpan[]): Range[] {
  const values: Range[] = [];
  const seen = new Set<string>();
  let variable: string | undefined;
  for (let index = spans.length - 1; index >= 0; index--) {
    const span = spans[index];
    if (!span) break;
    const following = spans[index + 1];
    if (following && !isJoinGap(text, span.close, following.open)) break;
    const assignment = readAssignment(text, span);
    if (!assignment || (variable !== undefined && assignment.variable !== variable)) break;
    variable = assignment.variable;
    const value = text.slice(assignment.value[0], assignment.value[1]);
    if (!seen.has(value)) values.push(assignment.value);
    seen.add(value);
  }
  return values.reverse();
}

function readAssignment(text: string, span: MathSpan): { variable: string; value: Range } | undefined {
  const [start, end] = trimRange(text, [span.contentStart, span.contentEnd]);
  if (!isAsciiLetter(text.charCodeAt(start))) return undefined;
  let cursor = start + 1;
  if (text.charCodeAt(cursor) === 95 && isDigit(text.charCodeAt(cursor + 1))) cursor += 2;
  const variable = text.slice(start, cursor);
  cursor = skipSpaces(text, cursor, end);
  if (text.charCodeAt(cursor) !== 61 || text.charCodeAt(cursor + 1) === 61) return undefined;
  const value = trimRange(text, [cursor + 1, end]);
  if (value[1] <= value[0] || includesIn(text, '=', value[0], value[1])) return undefined;
  return { variable, value };
}

/** What follows the last top-level `=` (`x = 3/7` gives `3/7`), when it still holds the last number. */
function rightHandSide(text: string, range: Range, numberStart: number): Range {
  let depth = 0;
  let equals = -1;
  for (let index = range[0]; index < range[1]; index++) {
    const code = text.charCodeAt(index);
    if (code === 92) index += 1;
    else if (code === 123 || code === 40 || code === 91) depth += 1;
    else if ((code === 125 || code === 41 || code === 93) && depth > 0) depth -= 1;
    else if (code === 61 && depth === 0) {
      const before = text.charCodeAt(index - 1);
      if (before !== 60 && before !== 62 && before !== 33 && before !== 58 && text.charCodeAt(index + 1) !== 61) equals = index;
    }
  }
  if (equals === -1 || numberStart <= equals) return stripWrappers(text, range);
  return stripWrappers(text, [equals + 1, range[1]]);
}

function startsNumber(text: string, index: number): boolean {
  const code = text.charCodeAt(index);
  if (isDigit(code)) return true;
  return (code === 45 || code === 0x2212 || code === 46) && isDigit(text.charCodeAt(index + 1));
}

function matchesAt(text: string, index: number, word: string, end: number): boolean {
  if (index + word.length > end) return false;
  for (let offset = 0; offset < word.length; offset++) {
    if (lowerCode(text.charCodeAt(index + offset)) !== word.charCodeAt(offset)) return false;
  }
  return true;
}

function matchesWordAt(text: string, index: number, word: string, end: number): boolean {
  if (!matchesAt(text, index, word, end)) return false;
  const after = index + word.length;
  return (after >= end || !isAsciiLetter(text.charCodeAt(after))) && (index === 0 || !isAsciiLetter(text.charCodeAt(index - 1)));
}

/** Index of `word` just before `index` (spaces and `*` between), or -1. */
function precedingWord(text: string, index: number, start: number, word: string): number {
  let cursor = index;
  while (cursor > start && index - cursor < 8 && (text.charCodeAt(cursor - 1) === 32 || text.charCodeAt(cursor - 1) === 42)) cursor--;
  if (cursor === index) return -1;
  const wordStart = cursor - word.length;
  if (wordStart < start || !matchesAt(text, wordStart, word, cursor)) return -1;
  return wordStart > start && isAsciiLetter(text.charCodeAt(wordStart - 1)) ? -1 : wordStart;
}

/** Only markdown decoration (`**`, `#`, `>`, `-`) or spaces precede `index` on its line. */
function atLineStart(text: string, index: number, start: number): boolean {
  for (let cursor = index - 1; cursor >= start; cursor--) {
    if (index - cursor > 16) return false;
    const code = text.charCodeAt(cursor);
    if (code === 10) return true;
    if (!(code === 32 || code === 9 || code === 42 || code === 35 || code === 62 || code === 45 || code === 95)) return false;
  }
  return true;
}

/** Spaces and `*` within a line. */
function skipInline(text: string, index: number, end: number): number {
  let cursor = index;
  while (cursor < end && cursor - index < 8 && (text.charCodeAt(cursor) === 32 || text.charCodeAt(cursor) === 9 || text.charCodeAt(cursor) === 42)) cursor++;
  return cursor;
}

/** Start of an anchor's answer: past spaces, newlines and `*`; -1 if nothing follows within the lookahead. */
function skipLead(text: string, index: number, end: number): number {
  let cursor = index;
  while (cursor < end && cursor - index < ANCHOR_LOOKAHEAD) {
    const code = text.charCodeAt(cursor);
    if (!isSpace(code) && code !== 42) return cursor;
    cursor++;
  }
  return -1;
}

/** Past filler words such as "indeed"; -1 stays -1. */
function skipFillers(text: string, index: number, end: number): number {
  let cursor = index;
  for (let round = 0; round < 3 && cursor !== -1; round++) {
    const word = wordAt(text, cursor, end);
    if (!FILLER_WORDS.has(word)) return cursor;
    let next = cursor + word.length;
    while (next < end && next - cursor < 16 && (text.charCodeAt(next) === 32 || text.charCodeAt(next) === 44)) next++;
    cursor = next < end ? next : -1;
  }
  return cursor;
}

/** The lower-case ASCII word starting at `index` (empty if none), read at most 16 letters far. */
function wordAt(text: string, index: number, end: number): string {
  let wordEnd = index;
  while (wordEnd < end && wordEnd - index < 16 && isAsciiLetter(text.charCodeAt(wordEnd))) wordEnd++;
  return asciiLower(text.slice(index, wordEnd));
}

function skipSpaces(text: string, index: number, end: number): number {
  let cursor = index;
  while (cursor < end && cursor - index < 16 && isSpace(text.charCodeAt(cursor))) cursor++;
  return cursor;
}

function skipSpacesAndDollars(text: string, index: number, end: number): number {
  let cursor = index;
  while (cursor < end && cursor - index < 16 && (isSpace(text.charCodeAt(cursor)) || text.charCodeAt(cursor) === 36)) cursor++;
  return cursor;
}

function previousNonSpace(text: string, index: number, start: number): number {
  for (let cursor = index - 1; cursor >= start && index - cursor <= 8; cursor--) if (!isSpace(text.charCodeAt(cursor))) return cursor;
  return -1;
}

function previousNonSpaceOrDollar(text: string, index: number, start: number): number {
  for (let cursor = index - 1; cursor >= start && index - cursor <= 16; cursor--) {
    const code = text.charCodeAt(cursor);
    if (!isSpace(code) && code !== 36) return cursor;
  }
  return -1;
}

function nextNonSpace(text: string, index: number, end: number): number {
  for (let cursor = index; cursor < end && cursor - index < 8; cursor++) if (!isSpace(text.charCodeAt(cursor))) return cursor;
  return -1;
}

function trimRange(text: string, [start, end]: Range): Range {
  let from = start;
  let to = end;
  while (from < to && isSpace(text.charCodeAt(from))) from++;
  while (to > from && isSpace(text.charCodeAt(to - 1))) to--;
  return [from, to];
}

function includesIn(text: string, search: string, start: number, end: number): boolean {
  for (let index = start; index + search.length <= end; index++) if (text.startsWith(search, index)) return true;
  return false;
}

function isBlank(text: string, start: number, end: number): boolean {
  for (let index = start; index < end; index++) if (!isSpace(text.charCodeAt(index))) return false;
  return true;
}

function isSpace(code: number): boolean {
  return code === 32 || (code >= 9 && code <= 13) || code === 0xa0 || (code >= 0x2000 && code <= 0x200b) || code === 0x2028 || code === 0x2029 || code === 0x3000 || code === 0xfeff;
}

function digitAt(text: string, end: number, index: number): boolean {
  return index < end && isDigit(text.charCodeAt(index));
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function isAsciiLetter(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

function lowerCode(code: number): number {
  return code >= 65 && code <= 90 ? code + 32 : code;
}

function asciiLower(word: string): string {
  return word.replace(/[A-Z]/g, (character) => character.toLowerCase());
}
