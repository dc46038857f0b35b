import { Rational } from '../rational.js';
import type { Operand, Operator, Step, Style } from './scenario.js';

/** One deliberate error in a step chain, the way a careless solver makes it. */
export type Fault =
  | { readonly kind: 'skipped-step'; readonly step: number }
  | { readonly kind: 'wrong-operation'; readonly step: number; readonly operator: Operator }
  | { readonly kind: 'off-by-one'; readonly step: number; readonly delta: number }
  | { readonly kind: 'wrong-conversion'; readonly step: number; readonly operand: number };

/**
 * The value of every step (a skipped step gets the value the solver carries on with), or undefined when the chain
 * stops making sense: a division by zero, a negative amount, a value with no finite decimal expansion, money that is
 * not whole cents, or (given the gold values) a fractional result where the gold chain counts whole things.
 */
export function evaluate<Params>(
  steps: readonly Step<Params>[],
  params: Params,
  fault?: Fault,
  gold?: readonly Rational[],
): Rational[] | undefined {
  const values: Rational[] = [];
  for (let index = 0; index < steps.length; index += 1) {
    const step = steps[index] as Step<Params>;
    const own = fault?.step === index ? fault : undefined;
    let value: Rational | undefined;
    if (own?.kind === 'skipped-step') value = operandValue(step, step.skipTo ?? 0, params, values, own);
    else {
      const operator = own?.kind === 'wrong-operation' ? own.operator : step.operator;
      value = operandValue(step, 0, params, values, own);
      for (let position = 1; value && position < step.operands.length; position += 1) {
        value = apply(operator, value, operandValue(step, position, params, values, own));
      }
      if (value && own?.kind === 'off-by-one') value = value.add(Rational.of(own.delta));
    }
    if (!value || value.num < 0 || (value.den !== 1 && !value.isTerminating())) return undefined;
    if (step.style === 'money' ? 100 % value.den !== 0 : gold?.[index]?.isInteger() && !value.isInteger()) return undefined;
    values.push(value);
  }
  return values;
}

/**
 * The arithmetic of each step as written, `3 x $4 = $12`. A skipped step has none, and neither has a step whose result
 * nothing written uses any more (skipping the final "add the overtime pay" also drops the overtime sums before it).
 */
export function works<Params>(
  steps: readonly Step<Params>[],
  params: Params,
  values: readonly Rational[],
  fault?: Fault,
): (string | undefined)[] {
  const live = liveSteps(steps, fault);
  const written: (string | undefined)[] = [];
  for (let index = 0; index < steps.length; index += 1) {
    const step = steps[index] as Step<Params>;
    const own = fault?.step === index ? fault : undefined;
    if (own?.kind === 'skipped-step' || !live[index]) {
      written.push(undefined);
      continue;
    }
    const operator = own?.kind === 'wrong-operation' ? own.operator : step.operator;
    const operands = operandValues(step, params, values, own);
    let text = format(operands[0] as Rational, styleOf(steps, step.operands[0] as Operand<Params>));
    for (let position = 1; position < operands.length; position += 1) {
      text += ` ${operator} ${format(operands[position] as Rational, styleOf(steps, step.operands[position] as Operand<Params>))}`;
    }
    written.push(`${text} = ${format(values[index] as Rational, step.style)}`);
  }
  return written;
}

/** The worked solution's sentences, one per written step; `written` is the steps' arithmetic when already known. */
export function sentences<Params>(
  steps: readonly Step<Params>[],
  params: Params,
  values: readonly Rational[],
  fault?: Fault,
  written = works(steps, params, values, fault),
): string[] {
  const lines: string[] = [];
  for (let index = 0; index < steps.length; index += 1) {
    const work = written[index];
    if (work !== undefined) lines.push((steps[index] as Step<Params>).say(params, work, values[index] as Rational));
  }
  return lines;
}

/** A value as a solution writes it: `$12`, `$7.50`, `7.5`. */
export function format(value: Rational, style: Style): string {
  if (style === 'number') return value.isInteger() ? String(value.num) : value.toDecimal();
  return dollars(value);
}

/** Money as a story writes it: `$12`, `$7.50`. */
export function dollars(value: number | Rational): string {
  if (typeof value === 'number') return Number.isInteger(value) ? `$${value}` : dollars(Rational.parse(String(value)));
  if (value.isInteger()) return `$${value.num}`;
  const text = value.toDecimal();
  return text.length - text.indexOf('.') === 2 ? `$${text}0` : `$${text}`;
}

/** The canonical answer text: `6`, `7.5`. */
export function answerText(value: Rational): string {
  return value.isInteger() ? String(value.num) : value.toDecimal();
}

/** Which steps the final answer still depends on, walking back from the last step. */
function liveSteps<Params>(steps: readonly Step<Params>[], fault: Fault | undefined): boolean[] {
  const live: boolean[] = [];
  for (let index = 0; index < steps.length; index += 1) live.push(index === steps.length - 1);
  for (let index = steps.length - 1; index >= 0; index -= 1) {
    if (!live[index]) continue;
    const step = steps[index] as Step<Params>;
    const used = fault?.kind === 'skipped-step' && fault.step === index ? [step.operands[step.skipTo ?? 0]] : step.operands;
    for (const operand of used) if (typeof operand === 'number') live[operand] = true;
  }
  return live;
}

function operandValues<Params>(
  step: Step<Params>,
  params: Params,
  values: readonly Rational[],
  fault: Fault | undefined,
): Rational[] {
  const result: Rational[] = [];
  for (let position = 0; position < step.operands.length; position += 1) {
    result.push(operandValue(step, position, params, values, fault));
  }
  return result;
}

function operandValue<Params>(
  step: Step<Params>,
  position: number,
  params: Params,
  values: readonly Rational[],
  fault: Fault | undefined,
): Rational {
  const operand = step.operands[position] as Operand<Params>;
  if (typeof operand === 'number') return values[operand] as Rational;
  if (fault?.kind === 'wrong-conversion' && fault.operand === position && operand.slip) return operand.slip;
  return operand.value(params);
}

function styleOf<Params>(steps: readonly Step<Params>[], operand: Operand<Params>): Style {
  return typeof operand === 'number' ? (steps[operand] as Step<Params>).style : operand.style;
}

/** a op b; undefined for a division by zero. */
function apply(operator: Operator, a: Rational, b: Rational): Rational | undefined {
  switch (operator) {
    case '+':
      return a.den === 1 && b.den === 1 ? Rational.of(a.num + b.num) : a.add(b);
    case '-':
      return a.den === 1 && b.den === 1 ? Rational.of(a.num - b.num) : a.sub(b);
    case 'x':
      return a.den === 1 && b.den === 1 ? Rational.of(a.num * b.num) : a.mul(b);
    case '/':
      return b.num === 0 ? undefined : a.div(b);
  }
}
