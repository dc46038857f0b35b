import { hashString32 } from '../../core/hash.js';

const MINUS_SIGNS = new Set([0x2d, 0x2212, 0x2013]); // hyphen-minus, minus sign, en dash

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

/** A character after which a minus sign is an operator (`79-7`, `x)-3`), not the sign of the number that follows. */
function endsOperand(text: string, index: number): boolean {
  const code = text.charCodeAt(index);
  if (code < 0x80) return /[a-z0-9)\]}_.!]/i.test(text.charAt(index));
  return /[\p{L}\p{N}]/u.test(text.charAt(index));
}

/**
 * The numbers written in a text, as written, in order: digits with an optional decimal part (`3.5`; a trailing period
 * ends a sentence), signed when a minus stands before them and not after an operand (`x=-7` gives `-7`, `79-7` gives
 * `79` and `7`). Spellings are kept (`007`, `1,000` as `1` and `000`): two texts whose numbers are spelled differently
 * are treated as different, the safe direction for deduplication.
 */
export function extractNumbers(text: string): string[] {
  const numbers: string[] = [];
  let index = 0;
  while (index < text.length) {
    if (!isDigit(text.charCodeAt(index))) {
      index += 1;
      continue;
    }
    const start = index;
    while (index < text.length && isDigit(text.charCodeAt(index))) index += 1;
    if (text.charCodeAt(index) === 0x2e && isDigit(text.charCodeAt(index + 1))) {
      index += 1;
      while (index < text.length && isDigit(text.charCodeAt(index))) index += 1;
    }
    let number = text.slice(start, index);
    if (start > 0 && MINUS_SIGNS.has(text.charCodeAt(start - 1)) && (start < 2 || !endsOperand(text, start - 2))) {
      number = `-${number}`;
    }
    numbers.push(number);
  }
  return numbers;
}

/** A 64-bit key (two 32-bit lanes) of a text's number multiset: equal exactly when the same numbers occur, in any order. */
export function numberKey(text: string): readonly [number, number] {
  const numbers = extractNumbers(text).sort();
  const joined = numbers.join(' ');
  return [hashString32(joined, 0x6e756d31), hashString32(joined, 0x6e756d32)];
}
