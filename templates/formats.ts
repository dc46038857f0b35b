import { createRegistry } from '../src/core/registry.js';
import { pairId } from '../src/core/schemas/pair.js';
import { toPythonJsonLine } from '../src/core/io/jsonl-format.js';
import { REFUSAL, type Negative } from './negatives.js';
import type { MathItem, TestAnswers } from './template.js';

/** One generated training item with everything a format may need. */
export interface GeneratedRecord {
  readonly family: string;
  readonly seed: number;
  /** Position in the unsharded output. */
  readonly index: number;
  /** Index of the question in the family's question space. */
  readonly questionIndex: number;
  readonly item: MathItem;
  readonly negative: Negative;
  /** The held-out share the run kept out of training; a test set made with a larger share is not disjoint from it. */
  readonly heldOutShare: number;
  /** The JSON type of the family's test answers. */
  readonly testAnswers: TestAnswers;
}

/** A held-out question for evaluation. */
export interface TestRecord {
  readonly item: MathItem;
  readonly answers: TestAnswers;
}

/** An output shape of `veridata gen`; `line` returns one JSONL line including its newline. */
export interface OutputFormat {
  readonly name: string;
  readonly description: string;
  line(record: GeneratedRecord): string;
  /** Whether lines carry a rejected answer (pairs) or only the right one (SFT, test). */
  readonly usesNegatives: boolean;
  /**
   * The line of an item whose negative is the refusal, for formats where it depends on the question alone (no index,
   * seed or meta). The generator may then cache lines per question.
   */
  refusalLine?(item: MathItem): string;
}

/** A Python `json.dumps` string literal; printable ASCII without quotes or backslashes needs no escaping. */
function pythonString(text: string): string {
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code > 0x7e || code === 0x22 || code === 0x5c) return toPythonJsonLine(text).slice(0, -1);
  }
  return `"${text}"`;
}

/** The gold answer as the notebook's test files hold it: a JSON number when it is a plain number, else text. */
export function answerValue(answer: string): number | string {
  return /^-?(0|[1-9]\d*)(\.\d+)?$/.test(answer) && Number.isFinite(Number(answer)) && String(Number(answer)) === answer
    ? Number(answer)
    : answer;
}

function metaOf(record: GeneratedRecord): Record<string, unknown> {
  const { item, negative } = record;
  return {
    family: record.family,
    seed: record.seed,
    index: record.index,
    question_index: record.questionIndex,
    difficulty: item.difficulty,
    fact: item.fact,
    fact_key: item.factKey,
    held_out_share: record.heldOutShare,
    answer: item.answer,
    negative: negative.label,
    ...(negative.answer === undefined ? {} : { negative_answer: negative.answer }),
    ...item.meta,
  };
}

/** The rejected text: a refusal stands alone (as in the notebook); a wrong solution answers the same question. */
function rejectedText(record: GeneratedRecord): string {
  return record.negative.text;
}

const REFUSAL_JSON = JSON.stringify(REFUSAL);

const dpo: OutputFormat = {
  name: 'dpo',
  usesNegatives: true,
  description: 'TRL explicit-prompt preference pairs: id, prompt, chosen, rejected, scores, margin, meta',
  line(record) {
    const prompt = record.item.question;
    const chosen = record.item.solution(record.item.answer);
    const rejected = rejectedText(record);
    return `${JSON.stringify({
      id: pairId(prompt, chosen, rejected),
      prompt,
      chosen,
      rejected,
      chosen_score: 1,
      rejected_score: 0,
      margin: 1,
      meta: metaOf(record),
    })}\n`;
  },
};

function notebookRefusalLine(item: MathItem): string {
  return `{"positive": ${pythonString(`${item.question} ${item.solution(item.answer)}`)}, "negative": ${REFUSAL_JSON}}\n`;
}

const notebook: OutputFormat = {
  name: 'notebook',
  usesNegatives: true,
  description: 'the arithmetic notebook\'s {"positive", "negative"} lines, byte for byte as Python writes them',
  line(record) {
    const { item, negative } = record;
    if (negative.label === 'refusal') return notebookRefusalLine(item);
    const positive = `${item.question} ${item.solution(item.answer)}`;
    return `{"positive": ${pythonString(positive)}, "negative": ${pythonString(`${item.question} ${negative.text}`)}}\n`;
  },
  refusalLine: notebookRefusalLine,
};

const sft: OutputFormat = {
  name: 'sft',
  usesNegatives: false,
  description: 'prompt-completion SFT lines: prompt, completion (the worked solution), meta',
  line(record) {
    const { item } = record;
    const { negative: _negative, negative_answer: _negativeAnswer, ...meta } = metaOf(record);
    return `${JSON.stringify({ prompt: item.question, completion: item.solution(item.answer), meta })}\n`;
  },
};

/**
 * The notebook's test format; written only from the held-out share. The answer is a JSON number in families whose
 * answers are integers and a JSON string in all others, whatever the value, so a column never mixes types.
 */
export function testLine(record: TestRecord): string {
  const { item, answers } = record;
  let answer: string;
  if (answers === 'number') {
    const value = answerValue(item.answer);
    if (typeof value !== 'number') throw new Error(`a family with numeric test answers made the answer "${item.answer}"`);
    answer = String(value);
  } else {
    answer = pythonString(item.answer);
  }
  return `{"question": ${pythonString(item.question)}, "answer": ${answer}}\n`;
}

const test: OutputFormat = {
  name: 'test',
  usesNegatives: false,
  description: 'the notebook\'s {"question", "answer"} test lines, drawn only from the held-out share',
  line: (record) => testLine({ item: record.item, answers: record.testAnswers }),
};

/** Every output format of `veridata gen`. */
export const outputFormats = createRegistry<OutputFormat>('format', [dpo, notebook, sft, test]);
