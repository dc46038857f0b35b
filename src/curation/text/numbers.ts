import { hashString32 } from '../../core/hash.js';

const MINUS_SIGNS = new Set([0x2d, 0x2212, 0x2013]); // hyphen-minus, minus sign, en dash

/** A character after which a minus sign is an operator (`79-7`, `x)-3`), not the sign of the number that follows. */
function endsOperand(text: string, index: number): boolean {
  const code = text.charCodeAt(index);
  if (code < 0x80) return /[a-z0-9)\]}_.!]/i.test(text.charAt(index));
  return /[\p{L}\p{N}]/u.test(text.charAt(index));
}

const UNITS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'];
const TENS = ['twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];
const FRACTIONS: Record<string, string> = { half: '1/2', halves: '1/2', third: '1/3', thirds: '1/3', quarter: '1/4', quarters: '1/4', fifth: '1/5', fifths: '1/5' };

/** English number words and what they stand for: cardinals, common fractions and multipliers. */
const NUMBER_WORDS = new Map<string, string>([
  ...UNITS.map((word, value): [string, string] => [word, String(value)]),
  ...TENS.map((word, position): [string, string] => [word, String(20 + 10 * position)]),
  ['hundred', '100'],
  ['thousand', '1000'],
  ['million', '1000000'],
  ['dozen', '12'],
  ...Object.entries(FRACTIONS),
  ['twice', 'x2'],
  ['double', 'x2'],
  ['thrice', 'x3'],
  ['triple', 'x3'],
]);

const NUMBER_OR_WORD = /(\d+(?:\.\d+)?)|([a-z]+)/g;

/**
 * The numbers in a lower-cased text, in order: digits as written with an optional decimal part (`3.5`; a trailing
 * period ends a sentence), signed when a minus stands before them and not after an operand (`x=-7` gives `-7`, `79-7`
 * gives `79` and `7`), and English number words as their values (`three` gives `3`, `half` `1/2`, `twice` `x2`).
 * Spellings of digits are kept (`007`, `1,000` as `1` and `000`): two texts whose numbers are written differently are
 * treated as different, the safe direction for deduplication.
 */
export function extractNumbers(text: string): string[] {
  const numbers: string[] = [];
  for (const match of text.matchAll(NUMBER_OR_WORD)) {
    const [, digits, word] = match;
    if (word !== undefined) {
      const value = NUMBER_WORDS.get(word);
      if (value !== undefined) numbers.push(value);
      continue;
    }
    const start = match.index;
    const signed = start > 0 && MINUS_SIGNS.has(text.charCodeAt(start - 1)) && (start < 2 || !endsOperand(text, start - 2));
    numbers.push(signed ? `-${digits}` : digits!);
  }
  return numbers;
}

const OPERATORS = new Set(['+', '-', '\u2212', '*', '/', '\u00d7', '\u00f7', '^', '=', '<', '>', '\u2264', '\u2265', '%']);

function isDigitAt(text: string, index: number): boolean {
  const code = text.charCodeAt(index);
  return code >= 0x30 && code <= 0x39;
}

function isLetterAt(text: string, index: number): boolean {
  const character = text.charAt(index);
  return character !== '' && character.toLowerCase() !== character.toUpperCase();
}

/** A lone letter at `index` (`x` in `x+3`, not the `l` of `well-known`), looking away from the operator at `from`. */
function isVariableAt(text: string, index: number, from: number): boolean {
  return isLetterAt(text, index) && !isLetterAt(text, index + (index - from));
}

/**
 * The operator symbols of a text's formulas, in order: `+ - * / = ^ < >` and their Unicode forms, `%`, where they touch
 * a digit or a lone letter once spaces are removed (`79 - 7`, `x/3=11`), so a hyphen inside a word does not count.
 */
export function extractOperators(text: string): string[] {
  const compact = text.replace(/\s+/g, '');
  const operators: string[] = [];
  for (let index = 0; index < compact.length; index += 1) {
    const character = compact.charAt(index);
    if (!OPERATORS.has(character)) continue;
    const before = index - 1;
    const after = index + 1;
    const touches =
      isDigitAt(compact, before) || isDigitAt(compact, after) || isVariableAt(compact, before, index) || isVariableAt(compact, after, index);
    if (touches) operators.push(character === '\u2212' ? '-' : character);
  }
  return operators;
}

/**
 * A 64-bit key (two 32-bit lanes) of the numbers and formula operators in a text, each in the order they occur: equal
 * exactly when the same numbers appear in the same order and the formulas use the same operators. Order counts because
 * texts similar enough to be near-duplicates keep the numbers of one problem in place; the same numbers swapped between
 * roles (150 minutes on weekdays and 165 at weekends, or the other way round) make another problem with another answer,
 * which a multiset key would merge. Operators count because `x-3=11,x=?` and `x/3=11,x=?` share most of their characters.
 */
export function numberKey(text: string): readonly [number, number] {
  const joined = `${extractNumbers(text).join(' ')}|${extractOperators(text).join('')}`;
  return [hashString32(joined, 0x6e756d31), hashString32(joined, 0x6e756d32)];
}

const NUMBER_SEED = 0x6e756d33;

/** A 32-bit hash of one number as `extractNumbers` spells it. */
export function hashNumber(number: string): number {
  return hashString32(number, NUMBER_SEED) | 0;
}

/** The hashes (`hashNumber`) of a lower-cased text's numbers (`extractNumbers`), in order. */
export function numberHashes(text: string): Int32Array {
  const numbers = extractNumbers(text);
  const hashes = new Int32Array(numbers.length);
  for (let index = 0; index < numbers.length; index += 1) hashes[index] = hashNumber(numbers[index]!);
  return hashes;
}

/**
 * Whether the number hashes `part[start, end)` occur in `whole` one after another, in the same order, other numbers
 * allowed before and after them: the numbers of a question copied into a longer text, or reworded without moving,
 * adding or dropping a number.
 */
export function containsNumberRun(whole: Int32Array, part: Int32Array, start: number, end: number): boolean {
  const length = end - start;
  outer: for (let offset = 0; offset + length <= whole.length; offset += 1) {
    for (let index = 0; index < length; index += 1) if (whole[offset + index] !== part[start + index]) continue outer;
    return true;
  }
  return false;
}
