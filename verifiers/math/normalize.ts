/**
 * Answer normalisation as a table of named rules. Each rule is one rewrite with examples; `normalizeAnswer` applies the
 * table in order, repeatedly, until nothing changes (so normalising twice changes nothing). Every rule runs in linear
 * time: plain regexes without nested quantifiers, or a brace-matching scan whose nesting is capped.
 */

/** One normalisation step: what it does, what it turns into what (`[input, normalizeAnswer(input)]`), and how. */
export interface NormalizationRule {
  readonly name: string;
  readonly description: string;
  readonly examples: readonly (readonly [string, string])[];
  readonly apply: (text: string, options: NormalizeOptions) => string;
}

/** Switches for rules that are a policy choice. */
export interface NormalizeOptions {
  /** Read number words ("twelve", "three and a half") as numbers. */
  readonly numberWords: boolean;
}

const defaultOptions: NormalizeOptions = { numberWords: true };

/** Past this brace nesting the brace-matching rules leave the text alone; the parser rejects it as too deep anyway. */
const MAX_GROUP_DEPTH = 100;
/** Longest text normalised; longer text is no answer (extracted answers are capped far below). */
export const MAX_NORMALIZE_LENGTH = 100_000;
/** Passes over the table before giving up on a fixed point (only pathological nesting needs more than two). */
const MAX_PASSES = 12;

/** Words a trailing unit may be; stripped only after a number, a closing brace or parenthesis. */
export const UNIT_WORDS: readonly string[] = [
  'square units', 'sq units', 'square meters', 'square metres', 'square feet', 'square inches', 'square centimeters',
  'square kilometers', 'square miles', 'square yards', 'sq ft', 'sq in', 'sq m', 'cubic units', 'cubic meters',
  'cubic feet', 'cubic inches', 'cubic centimeters',
  'units', 'unit', 'cm', 'mm', 'km', 'kg', 'mg', 'g', 'm', 'mph', 'kph', 'km/h', 'm/s', 'ft/s', 'meters', 'meter',
  'metres', 'metre', 'centimeters', 'centimeter', 'millimeters', 'millimeter', 'kilometers', 'kilometer', 'inches',
  'inch', 'in', 'feet', 'foot', 'ft', 'yards', 'yard', 'yd', 'miles', 'mile', 'mi', 'grams', 'gram', 'kilograms',
  'kilogram', 'pounds', 'pound', 'lbs', 'lb', 'ounces', 'ounce', 'oz', 'tons', 'ton', 'liters', 'liter', 'litres',
  'litre', 'ml', 'mL', 'gallons', 'gallon', 'cups', 'cup', 'hours', 'hour', 'hrs', 'hr', 'h', 'minutes', 'minute',
  'mins', 'min', 'seconds', 'second', 'secs', 'sec', 's', 'days', 'day', 'weeks', 'week', 'months', 'month', 'years',
  'year', 'yrs', 'cents', 'cent', 'people', 'persons', 'students', 'apples', 'items', 'ways', 'times', 'points',
  'degrees', 'degree', 'deg', 'radians', 'radian', 'rad', 'sq', 'cubic', 'square',
];

const FUNCTION_WORDS = new Set([
  'sin', 'cos', 'tan', 'cot', 'sec', 'csc', 'arcsin', 'arccos', 'arctan', 'sinh', 'cosh', 'tanh', 'ln', 'log', 'exp',
  'gcd', 'lcm', 'max', 'min', 'det', 'floor', 'ceil', 'sqrt',
]);
const CONNECTIVE_WORDS = new Set(['and', 'or']);
const TEXT_WRAPPERS = 'text|textrm|textbf|textit|textsf|texttt|textnormal|mathrm|mathbf|mathit|mathsf|mathtt|mathnormal|boldsymbol|bm|mbox|hbox|operatorname|boxed|fbox|framebox';

/** Finds each closing brace for an opening one in one pass; `\{` and `\}` are literal braces, not groups. */
function matchBraces(text: string): Int32Array | undefined {
  const close = new Int32Array(text.length).fill(-1);
  const stack: number[] = [];
  for (let index = 0; index < text.length; index += 1) {
    const character = text[index];
    if (character === '\\') {
      index += 1;
      continue;
    }
    if (character === '{') {
      stack.push(index);
      if (stack.length > MAX_GROUP_DEPTH) return undefined;
    } else if (character === '}') {
      const open = stack.pop();
      if (open !== undefined) close[open] = index;
    }
  }
  return close;
}

/**
 * Rewrites every `\command{content}` the pattern finds, innermost first, with `rewrite(name, content, before)`.
 * The pattern must be global, capture the command name and end at the opening brace. Linear up to the depth cap.
 */
function rewriteGroups(text: string, pattern: RegExp, rewrite: (name: string, content: string, before: string) => string): string {
  const close = matchBraces(text);
  if (!close) return text;
  const render = (from: number, to: number): string => {
    let output = '';
    let last = from;
    const finder = new RegExp(pattern.source, 'g');
    finder.lastIndex = from;
    for (let match = finder.exec(text); match && match.index < to; match = finder.exec(text)) {
      const open = match.index + match[0].length - 1;
      const end = close[open] ?? -1;
      if (end < 0 || end >= to) {
        finder.lastIndex = open + 1;
        continue;
      }
      output += text.slice(last, match.index);
      output += rewrite(match[1] ?? '', render(open + 1, end), output);
      last = end + 1;
      finder.lastIndex = end + 1;
    }
    return output + text.slice(last, to);
  };
  return render(0, text.length);
}

function replacing(pattern: RegExp, replacement: string | ((substring: string, ...groups: string[]) => string)) {
  return (text: string): string => text.replace(pattern, replacement as (substring: string, ...groups: string[]) => string);
}

const UNICODE: Record<string, string> = {
  '×': '\\times ', '÷': '\\div ', '−': '-', '–': '-', '—': '-', '≤': '\\le ', '⩽': '\\le ', '≥': '\\ge ', '⩾': '\\ge ',
  '≠': '\\ne ', 'π': '\\pi ', '√': '\\sqrt', '∞': '\\infty ', '∪': '\\cup ', '±': '\\pm ', '∓': '\\mp ', '·': '\\cdot ',
  '⋅': '\\cdot ', '°': '^\\circ ', '∅': '\\emptyset ', '²': '^2', '³': '^3', '\u00a0': ' ', '\u2009': ' ', '\u202f': ' ',
  '\u2002': ' ', '\u2003': ' ', '\u200b': '', '…': '\\ldots ', '⟨': '\\langle ', '⟩': '\\rangle ', '∈': '\\in ',
};
const UNICODE_PATTERN = new RegExp(`[${Object.keys(UNICODE).join('')}]`, 'g');

const NUMBER_WORDS: Record<string, number> = {
  zero: 0, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11,
  twelve: 12, thirteen: 13, fourteen: 14, fifteen: 15, sixteen: 16, seventeen: 17, eighteen: 18, nineteen: 19,
  twenty: 20, thirty: 30, forty: 40, fifty: 50, sixty: 60, seventy: 70, eighty: 80, ninety: 90,
};
const SCALE_WORDS: Record<string, bigint> = { hundred: 100n, thousand: 1000n, million: 1_000_000n, billion: 1_000_000_000n };
const FRACTION_WORDS: Record<string, [bigint, bigint]> = { half: [1n, 2n], quarter: [1n, 4n], third: [1n, 3n] };

/** "three hundred twenty-five" -> 325n; undefined unless the whole phrase is number words. */
function readNumberWords(phrase: string): bigint | undefined {
  const words = phrase.toLowerCase().replace(/-/g, ' ').split(/\s+/).filter((word) => word !== '');
  if (words.length === 0) return undefined;
  let total = 0n;
  let current = 0n;
  let seen = false;
  for (const [index, word] of words.entries()) {
    if (word === 'and') {
      // "three hundred and two" only: "two and three" is a list, not five.
      if (SCALE_WORDS[words[index - 1] ?? ''] === undefined || index === words.length - 1) return undefined;
      continue;
    }
    const small = NUMBER_WORDS[word];
    const scale = SCALE_WORDS[word];
    if (small !== undefined) {
      current += BigInt(small);
      seen = true;
    } else if (scale !== undefined) {
      current = (current === 0n ? 1n : current) * scale;
      if (scale > 100n) {
        total += current;
        current = 0n;
      }
      seen = true;
    } else return undefined;
  }
  return seen ? total + current : undefined;
}

/** One number phrase ("minus four", "three and a half") as digits, or undefined. */
function readNumberPhrase(phrase: string): string | undefined {
  const negative = /^(?:minus|negative)\s+/i.exec(phrase);
  const body = negative ? phrase.slice(negative[0].length) : phrase;
  const sign = negative ? '-' : '';
  const withFraction = /^(.*?)\s+and\s+(?:a|one)\s+(half|quarter|third)$/i.exec(body);
  if (withFraction) {
    const whole = readNumberWords(withFraction[1] ?? '');
    const fraction = FRACTION_WORDS[(withFraction[2] ?? '').toLowerCase()];
    if (whole === undefined || !fraction) return undefined;
    const [numerator, denominator] = fraction;
    return `${sign}\\frac{${whole * denominator + numerator}}{${denominator}}`;
  }
  const value = readNumberWords(body);
  return value === undefined ? undefined : `${sign}${value}`;
}

/** A whole answer of number words becomes digits; so does a list of them joined by commas, "and" or "or". */
function numberWordsToDigits(text: string): string {
  const trimmed = text.trim().replace(/^\\text\{([^{}]*)\}$/, '$1').trim();
  if (!/^[a-zA-Z][a-zA-Z\s,-]*$/.test(trimmed) || trimmed.length > 200) return text;
  const whole = readNumberPhrase(trimmed);
  if (whole !== undefined) return whole;
  const parts = trimmed.split(/(\s*,\s*|\s+(?:and|or)\s+)/i);
  const converted = parts.map((part, index) => (index % 2 === 1 ? part : readNumberPhrase(part)));
  return converted.every((part) => part !== undefined) && parts.length > 1 ? converted.join('') : text;
}

/** Thousands separators with commas: joined only when every comma that is not followed by a space is one. */
function joinCommaThousands(text: string): string {
  if (!text.includes(',') || /[([\]{}]|\\langle/.test(text.replace(/\\text\{[^{}]*\}/g, ''))) return text;
  const group = /(?<![\d.])[1-9]\d{0,2}(?:,\d{3})+(?![\d])/g;
  let covered = 0;
  for (const match of text.matchAll(group)) covered += match[0].split(',').length - 1;
  const separators = (text.match(/,(?!\s)/g) ?? []).length;
  if (covered === 0 || covered !== separators) return text;
  return text.replace(group, (match) => match.replace(/,/g, ''));
}

function rewriteTextWrapper(name: string, content: string, before: string): string {
  if (name === 'boxed' || name === 'fbox' || name === 'framebox') return content;
  const trimmed = content.trim();
  const lower = trimmed.toLowerCase();
  if (CONNECTIVE_WORDS.has(lower)) return ` ${lower} `;
  if (lower === 'infinity' || lower === 'inf') return '\\infty ';
  if (FUNCTION_WORDS.has(lower) && name !== 'text') return `\\${lower} `;
  if (/^[A-Za-z]$/.test(trimmed) && /\d\s*$/.test(before) && /^[mgshL]$/.test(trimmed)) return `\\text{${trimmed}}`;
  if (/^[A-Za-z][A-Za-z\s'.-]*[A-Za-z.]$/.test(trimmed) && /[A-Za-z]{2}/.test(trimmed)) return `\\text{${trimmed}}`;
  return content;
}

const unitAlternatives = [...UNIT_WORDS].sort((a, b) => b.length - a.length).map((word) => word.replace(/[/]/g, '\\/')).join('|');
/** A trailing unit after a number, `}` or `)`: bare (multi-letter words only) or wrapped in `\text{}`. */
const TRAILING_UNIT = new RegExp(
  `(?<=[\\d})]|\\\\pi)\\s*(?:\\\\text\\{\\s*(?:${unitAlternatives})\\s*\\}|(?<![A-Za-z\\\\])(?:${unitAlternatives.split('|').filter((word) => word.length > 1).join('|')})(?![A-Za-z]))(?:\\s*\\^\\s*\\{?[23]\\}?)?\\s*\\.?\\s*$`,
);
/** Any other trailing `\text{words}` after a number is a unit or a noun ("12\text{ students}"). */
const TRAILING_TEXT_AFTER_NUMBER =
  /(?<=\d)\s*\\text\{(?!\s*(?:or|and|to|not|no|more|less|fewer|than|at|if|when|but|except|plus|minus|approximately|about|roughly|nearly|almost|over|under|up)(?![A-Za-z]))[A-Za-z][A-Za-z\s.]*\}\s*$/i;
/** The same trailing unit as TRAILING_UNIT, captured: the word and its power. */
const TRAILING_UNIT_CAPTURE = new RegExp(
  `(?<=[\\d})]|\\\\pi)\\s*(?:\\\\text\\{\\s*(${unitAlternatives})\\s*\\}|(?<![A-Za-z\\\\])(${unitAlternatives.split('|').filter((word) => word.length > 1).join('|')})(?![A-Za-z]))(?:\\s*\\^\\s*\\{?([23])\\}?)?\\s*\\.?\\s*$`,
);

const TRIG_FUNCTION = /\\(?:sin|cos|tan|cot|sec|csc)(?![A-Za-z])/;
const SCALE_AFTER_NUMBER = /(\d(?:\.\d+)?)\s*(?:\\text\{\s*(thousand|million|billion|trillion)\s*\}|(?<![A-Za-z])(thousand|million|billion|trillion)(?![A-Za-z]))/gi;
const SCALE_EXPONENT: Record<string, number> = { thousand: 3, million: 6, billion: 9, trillion: 12 };

/** The normalisation table, applied in this order. */
export const normalizationRules: readonly NormalizationRule[] = [
  {
    name: 'unicode',
    description: 'unicode math symbols become their LaTeX macros (× ÷ − ≤ ≥ ≠ π √ ∞ ∪ ± ° and odd spaces)',
    examples: [['3×4', '3\\times 4'], ['x≤5', 'x\\le 5'], ['−2', '-2'], ['2π', '2\\pi'], ['√2', '\\sqrt{2}'], ['A∪B', 'A\\cup B'], ['x≠1', 'x\\ne 1'], ['6÷2', '6\\div 2'], ['x≥1', 'x\\ge 1'], ['∞', '\\infty']],
    apply: replacing(UNICODE_PATTERN, (character) => UNICODE[character] ?? character),
  },
  {
    name: 'math-delimiters',
    description: 'math-mode delimiters and display macros go: $..$, \\(..\\), \\[..\\], \\displaystyle',
    examples: [['$\\frac{1}{2}$', '\\frac{1}{2}'], ['\\(x+1\\)', 'x+1'], ['\\[7\\]', '7'], ['\\displaystyle 5', '5']],
    apply: replacing(/\\\\|\\[()[\]]|\\(?:displaystyle|textstyle|scriptstyle|limits|nolimits)(?![A-Za-z])/g, (match) => (match === '\\\\' ? match : ' ')),
  },
  {
    name: 'left-right',
    description: '\\left and \\right (and \\big sizes) go; \\left. and \\right. vanish',
    examples: [['\\left(1,2\\right)', '(1,2)'], ['\\left[0,\\infty\\right)', '[0,\\infty)'], ['\\left\\{1\\right\\}', '\\{1\\}'], ['\\left.x\\right|', 'x|']],
    apply: replacing(/\\\\|\\(?:left|right|bigl|bigr|Bigl|Bigr|biggl|biggr|Biggl|Biggr|big|Big|bigg|Bigg)(?![A-Za-z])\s*\.?/g, (match) => (match === '\\\\' ? match : '')),
  },
  {
    name: 'fraction-macros',
    description: '\\dfrac, \\tfrac, \\cfrac become \\frac; \\dbinom, \\tbinom become \\binom',
    examples: [['\\dfrac{1}{2}', '\\frac{1}{2}'], ['\\tfrac{3}{4}', '\\frac{3}{4}'], ['\\cfrac{1}{x}', '\\frac{1}{x}'], ['\\dbinom{5}{2}', '\\binom{5}{2}']],
    apply: replacing(/\\(?:[dtc]frac)(?![A-Za-z])|\\[dt]binom(?![A-Za-z])/g, (match) => (match.endsWith('binom') ? '\\binom' : '\\frac')),
  },
  {
    name: 'spacing-macros',
    description: 'spacing macros (\\, \\; \\: \\! \\quad \\qquad ~ \\hspace{}) become a space (\\! nothing)',
    examples: [['1\\,2', '1 2'], ['x\\;y', 'x y'], ['a\\!b', 'ab'], ['x\\quad y', 'x y'], ['x~y', 'x y'], ['x\\qquad y', 'x y']],
    apply: replacing(/\\\\|\\[,;:! ]|\\(?:quad|qquad|enspace|thinspace|medspace|thickspace|negthinspace)(?![A-Za-z])|\\hspace\*?\{[^{}]*\}|~/g, (match) =>
      match === '\\\\' ? match : match === '\\!' ? '' : ' ',
    ),
  },
  {
    name: 'text-wrappers',
    description:
      '\\text{}, \\mathrm{}, \\mathbf{}, \\textbf{}, \\boxed{} and kin are unwrapped; word content stays as \\text{word} (text answers, units), "and"/"or" become words, function names become macros',
    examples: [['\\text{13}', '13'], ['\\mathbf{15}', '15'], ['\\textbf{(B)}', '(B)'], ['\\mathrm{e}', 'e'], ['\\text{Yes}', '\\text{Yes}'], ['\\mathrm{Tuesday}', '\\text{Tuesday}'], ['2 \\text{ or } 3', '2 or 3'], ['\\boxed{\\frac{1}{2}}', '\\frac{1}{2}'], ['\\operatorname{lcm}(4,6)', '\\lcm (4,6)']],
    apply: (text) => rewriteGroups(text, new RegExp(`\\\\(${TEXT_WRAPPERS})\\s*\\{`, 'g'), rewriteTextWrapper),
  },
  {
    name: 'relation-macros',
    description: '\\leq \\leqslant <= become \\le, \\geq >= \\ge, \\neq != \\ne, \\lt \\gt < >',
    examples: [['x\\leq 3', 'x\\le 3'], ['x>=3', 'x\\ge 3'], ['x!=3', 'x\\ne 3'], ['x \\geqslant 1', 'x \\ge 1'], ['x\\lt 2', 'x< 2']],
    apply: replacing(/\\\\|\\(?:leq|leqslant|leqq|geq|geqslant|geqq|neq|lt|gt)(?![A-Za-z])|<=|=<|>=|!=|\\not\s*=/g, (match) => {
      if (match === '\\\\') return match;
      if (/^\\le|<=|=</.test(match)) return '\\le ';
      if (/^\\ge|>=/.test(match)) return '\\ge ';
      if (match === '\\lt') return '< ';
      if (match === '\\gt') return '> ';
      return '\\ne ';
    }),
  },
  {
    name: 'frac-shorthand',
    description: 'brace-less \\frac arguments get braces: \\frac12, \\frac1{2}, \\frac{1}2, \\frac\\pi2 (one token each, as TeX reads them)',
    examples: [['\\frac12', '\\frac{1}{2}'], ['\\frac1{2}', '\\frac{1}{2}'], ['\\frac{1}2', '\\frac{1}{2}'], ['\\frac\\pi2', '\\frac{\\pi}{2}'], ['\\frac123', '\\frac{1}{2}3'], ['\\binom52', '\\binom{5}{2}']],
    apply: (text) =>
      text
        .replace(/\\(frac|binom)\s*([0-9A-Za-z]|\\[A-Za-z]+)\s*([0-9A-Za-z]|\\[A-Za-z]+|\{)/g, (_match, name: string, first: string, second: string) =>
          second === '{' ? `\\${name}{${first}}{` : `\\${name}{${first}}{${second}}`,
        )
        .replace(/\\(frac|binom)\{([^{}]*)\}\s*([0-9A-Za-z])/g, '\\$1{$2}{$3}'),
  },
  {
    name: 'sqrt-shorthand',
    description: 'brace-less \\sqrt arguments get braces: \\sqrt3, \\sqrt x, \\sqrt[3]8',
    examples: [['\\sqrt3', '\\sqrt{3}'], ['\\sqrt x', '\\sqrt{x}'], ['\\sqrt[3]8', '\\sqrt[3]{8}'], ['3\\sqrt2', '3\\sqrt{2}'], ['\\sqrt\\pi', '\\sqrt{\\pi}']],
    apply: replacing(/\\sqrt\s*(\[[^[\]{}]*\])?\s*([0-9A-Za-z]|\\(?:pi|alpha|beta|gamma|theta|phi|infty)(?![A-Za-z]))/g, (_match, index: string | undefined, argument: string) => `\\sqrt${index ?? ''}{${argument}}`),
  },
  {
    name: 'over',
    description: '{a \\over b} becomes \\frac{a}{b}',
    examples: [['{1 \\over 2}', '\\frac{1}{2}'], ['{x+1\\over x}', '\\frac{x+1}{x}']],
    apply: replacing(/(?<!\\)\{([^{}]*)\\over(?![A-Za-z])([^{}]*)\}/g, (_match, top: string, bottom: string) => `\\frac{${top.trim()}}{${bottom.trim()}}`),
  },
  {
    name: 'currency',
    description: 'currency signs and words go: \\$ $ € £ ¥, dollars, USD, euros',
    examples: [['\\$12.50', '12.50'], ['$5', '5'], ['€3', '3'], ['£4.20', '4.20'], ['12 dollars', '12'], ['5 USD', '5'], ['\\$.75', '.75']],
    apply: replacing(/\\\$|[$€£¥]|\s*\\text\{\s*(?:dollars?|euros?|USD|EUR)\s*\}|(?<![A-Za-z])\s*(?:dollars?|euros?|USD|EUR)(?![A-Za-z])/g, ''),
  },
  {
    name: 'percent',
    description: '\\%, "percent", "percentage", "pct" become %',
    examples: [['40\\%', '40%'], ['40 percent', '40%'], ['5 pct', '5%'], ['28\\text{ percent}', '28%'], ['12.5\\%', '12.5%']],
    apply: replacing(/\s*(?:\\%|\\text\{\s*(?:percent|percentage|pct)\s*\}|(?<![A-Za-z])(?:percent|percentage|pct)(?![A-Za-z]))/gi, '%'),
  },
  {
    name: 'degree-sign',
    description: '^{\\circ}, \\circ after a number, \\degree, "degrees" become ^\\circ; a trailing one goes (the gold states the unit)',
    examples: [['10^\\circ', '10'], ['30^{\\circ}', '30'], ['45 degrees', '45'], ['\\cos 30^{\\circ}', '\\cos 30^\\circ'], ['\\sin 30^{\\circ}+1', '\\sin 30^\\circ+1'], ['90\\degree', '90']],
    apply: (text) =>
      text
        .replace(/\^\s*\{\s*\\circ\s*\}|\^\s*\\circ(?![A-Za-z])|\\degree(?![A-Za-z])|(?<=\d)\s*\\circ(?![A-Za-z])|(?<=\d)\s*\\text\{\s*degrees?\s*\}|(?<=\d)\s+degrees?(?![A-Za-z])/g, '^\\circ')
        .replace(/\s*\^\\circ\s*$/, (match, offset: number, whole: string) => (TRIG_FUNCTION.test(whole) ? match : '')),
  },
  {
    name: 'scale-words',
    description: 'thousand, million, billion after a number become a power of ten',
    examples: [['2.5 million', '2.5\\times10^{6}'], ['2.5\\text{ million}', '2.5\\times10^{6}'], ['3 thousand', '3\\times10^{3}'], ['7 billion', '7\\times10^{9}']],
    apply: replacing(SCALE_AFTER_NUMBER, (_match, number: string, wrapped: string | undefined, bare: string | undefined) =>
      `${number}\\times10^{${SCALE_EXPONENT[(wrapped ?? bare ?? '').toLowerCase()] ?? 0}}`,
    ),
  },
  {
    name: 'trailing-units',
    description: `a trailing unit word after a number, } or ) goes (${UNIT_WORDS.length} words: cm, km, kg, mph, hours, meters, square units, ...); so does any trailing \\text{words} after a number`,
    examples: [['5 cm', '5'], ['3\\text{ hours}', '3'], ['3\\text{ hrs}', '3'], ['12 square units', '12'], ['4 cm^2', '4'], ['60 mph', '60'], ['5\\text{ m}', '5'], ['12\\text{ students}', '12'], ['\\frac{1}{2} km', '\\frac{1}{2}'], ['2 m', '2 m']],
    apply: (text) => {
      let current = text;
      for (let step = 0; step < 4; step += 1) {
        const next = current.replace(TRAILING_UNIT, '').replace(TRAILING_TEXT_AFTER_NUMBER, '');
        if (next === current) break;
        current = next;
      }
      return current;
    },
  },
  {
    name: 'thousands-separators',
    description: 'thousands separators go: 1{,}000, 1\\,000, 1 000, and 1,234 when every comma separates exact 3-digit groups outside brackets',
    examples: [['1{,}000', '1000'], ['1\\,000', '1000'], ['1 000 000', '1000000'], ['1,234', '1234'], ['1,000,000', '1000000'], ['(1,234)', '(1,234)'], ['1,2', '1,2'], ['0, 1, 4', '0, 1, 4'], ['12,345.5', '12345.5'], ['2 1/2', '2 1/2']],
    apply: (text) =>
      joinCommaThousands(
        text
          .replace(/(?<=\d)\{,\}(?=\d)/g, '')
          .replace(/(?<![\d.])(\d{1,3})((?: \d{3})+)(?![\d/]|\s*\/)/g, (_match, head: string, groups: string) => head + groups.replace(/ /g, '')),
      ),
  },
  {
    name: 'empty-set',
    description: '\\varnothing, \\{\\}, \\O become \\emptyset',
    examples: [['\\varnothing', '\\emptyset'], ['\\{\\}', '\\emptyset'], ['\\{ \\}', '\\emptyset'], ['∅', '\\emptyset']],
    apply: replacing(/\\\\|\\varnothing(?![A-Za-z])|\\\{\s*\\\}|\\O(?![A-Za-z])/g, (match) => (match === '\\\\' ? match : '\\emptyset ')),
  },
  {
    name: 'infinity',
    description: '"infinity", "inf", "oo", \\infin become \\infty',
    examples: [['infinity', '\\infty'], ['-oo', '-\\infty'], ['(0, inf)', '(0, \\infty)'], ['\\infin', '\\infty'], ['\\text{infinity}', '\\infty']],
    apply: replacing(/\\infin(?:ity)?(?![A-Za-z])|(?<![\\A-Za-z])(?:infinity|inf|oo)(?![A-Za-z])/gi, '\\infty'),
  },
  {
    name: 'number-words',
    description: 'an answer that is only number words (or a list of them) becomes digits: zero..twenty, tens, hundred, thousand, million; "three and a half"',
    examples: [['twelve', '12'], ['twenty-five', '25'], ['three hundred and two', '302'], ['one thousand two hundred', '1200'], ['three and a half', '\\frac{7}{2}'], ['minus four', '-4'], ['Zero', '0'], ['two million', '2000000'], ['two and three', '2 and 3'], ['one, four or nine', '1, 4 or 9']],
    apply: (text, options) => (options.numberWords ? numberWordsToDigits(text) : text),
  },
  {
    name: 'trailing-punctuation',
    description: 'a trailing full stop or semicolon goes, and leading or trailing "and"/"or"',
    examples: [['5.', '5'], ['x = 3;', 'x = 3'], ['\\text{yes}.', '\\text{yes}']],
    apply: replacing(/(?<!\\)[.;]+\s*$/, ''),
  },
  {
    name: 'whitespace',
    description: 'runs of whitespace become one space; the ends are trimmed',
    examples: [['  x  +   1 ', 'x + 1'], ['1\n2', '1 2']],
    apply: (text) => text.replace(/[^\S ]+/g, ' ').replace(/ {2,}/g, ' ').trim(),
  },
];

/**
 * The physical unit an answer ends with (`5\\text{ cm}` -> "cm", `4 cm^2` -> "cm^2"), read as the trailing-units rule
 * would strip it, or undefined. Lets a caller refuse to equate 5 m with 5 cm, since stripping loses the unit.
 */
export function readTrailingUnit(text: string, options: Partial<NormalizeOptions> = {}): string | undefined {
  if (text.length > MAX_NORMALIZE_LENGTH) return undefined;
  const resolved: NormalizeOptions = { ...defaultOptions, ...options };
  let current = text;
  for (const rule of normalizationRules) {
    if (rule.name === 'trailing-units') break;
    current = rule.apply(current, resolved);
  }
  const match = TRAILING_UNIT_CAPTURE.exec(current.trim());
  if (!match) return undefined;
  const word = (match[1] ?? match[2] ?? '').trim();
  return match[3] ? `${word}^${match[3]}` : word;
}

/**
 * Normalises an answer string with the table until a fixed point: `normalizeAnswer(normalizeAnswer(x)) === normalizeAnswer(x)`.
 * Text longer than MAX_NORMALIZE_LENGTH is returned as is: no answer is that long, and the parser refuses it.
 */
export function normalizeAnswer(text: string, options: Partial<NormalizeOptions> = {}): string {
  if (text.length > MAX_NORMALIZE_LENGTH) return text;
  const resolved: NormalizeOptions = { ...defaultOptions, ...options };
  let current = text;
  for (let pass = 0; pass < MAX_PASSES; pass += 1) {
    let next = current;
    for (const rule of normalizationRules) next = rule.apply(next, resolved);
    if (next === current) return next;
    current = next;
  }
  return current;
}
