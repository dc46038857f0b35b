import { Rational } from '../../templates/rational.js';

/** Evaluates `a op b` exactly with `x` bound to a value: a route to each arith answer independent of the generator. */
function evaluate(expression: string, x: Rational): Rational {
  const match = /^(x|\d+)([-+*/])(x|\d+)$/.exec(expression);
  if (!match) throw new Error(`cannot evaluate "${expression}"`);
  const operand = (text: string) => (text === 'x' ? x : Rational.of(Number(text)));
  const [left, right] = [operand(match[1]!), operand(match[3]!)];
  switch (match[2]) {
    case '+':
      return left.add(right);
    case '-':
      return left.sub(right);
    case '*':
      return left.mul(right);
    default:
      return left.div(right);
  }
}

/** True when `answer` solves an arith question: direct forms evaluate, find-x forms substitute x back. */
export function arithAnswerIsRight(question: string, answer: string): boolean {
  const value = Rational.parse(answer);
  const direct = /^(\d+[-+*/]\d+)=\?$/.exec(question);
  if (direct) return evaluate(direct[1]!, Rational.zero).equals(value);
  const findX = /^(.+)=(-?\d+),x=\?$/.exec(question);
  if (!findX) throw new Error(`unrecognised question "${question}"`);
  try {
    return evaluate(findX[1]!, value).equals(Rational.of(Number(findX[2])));
  } catch {
    return false; // x = 0 in `a/x=b` divides by zero: not a solution
  }
}
