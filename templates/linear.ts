import { z } from 'zod';
import { Rational } from './rational.js';
import type { Rng } from './rng.js';
import {
  decodeMixedRadix,
  EmptySpaceError,
  productSize,
  type MathItem,
  type Mistake,
  type MistakeKind,
  type QuestionSpace,
  locateBlock,
  type Stratum,
  type Template,
  requireOrderedRanges,
} from './template.js';

const formIds = ['ax+b=c', 'b+ax=c', 'c=ax+b', 'a(x+b)=c', 'ax=c'] as const;
type FormId = (typeof formIds)[number];

/** Options of the linear-equation family. */
export const LinearConfig = z
  .object({
    minCoefficient: z.number().int().min(-1000).max(1000).default(-10).describe('smallest coefficient a of the unknown (0 is skipped)'),
    maxCoefficient: z.number().int().min(-1000).max(1000).default(10).describe('largest coefficient a of the unknown'),
    minConstant: z.number().int().min(-1_000_000).max(1_000_000).default(-20).describe('smallest constant b (0 is skipped)'),
    maxConstant: z.number().int().min(-1_000_000).max(1_000_000).default(20).describe('largest constant b'),
    minSolution: z.number().int().min(-1_000_000).max(1_000_000).default(-20).describe('smallest solution'),
    maxSolution: z
      .number()
      .int()
      .min(-1_000_000)
      .max(1_000_000)
      .default(20)
      .describe('largest solution; rational solutions lie strictly between the two bounds'),
    solutions: z
      .enum(['integer', 'rational', 'both'])
      .default('both')
      .describe('integer solutions, rational (non-integer) ones with denominator dividing a, or both'),
    forms: z
      .string()
      .default('all')
      .refine((text) => text === 'all' || text.split(',').every((id) => (formIds as readonly string[]).includes(id.trim())), {
        message: `use "all" or a comma-separated list of ${formIds.join(', ')}`,
      })
      .describe(`comma-separated equation forms (${formIds.join(', ')}) or all`),
    variables: z
      .string()
      .regex(/^[a-z]+$/, 'use lowercase letters only')
      .default('xyz')
      .describe('letters used for the unknown, e.g. "x"'),
  })
  .strict();
export type LinearConfig = z.infer<typeof LinearConfig>;

type SolutionKind = 'integer' | 'rational';

/** One equation shape; `x = n / a` always, and `c` is derived from (a, b, n). */
interface Form {
  readonly id: FormId;
  readonly usesConstant: boolean;
  /** a = ±1 would make the form read like another one (1(x+2)=c) or be trivial (x=c). */
  readonly minAbsCoefficient: number;
  readonly difficulty: number;
}

const forms: Record<FormId, Form> = {
  'ax+b=c': { id: 'ax+b=c', usesConstant: true, minAbsCoefficient: 1, difficulty: 1 },
  'b+ax=c': { id: 'b+ax=c', usesConstant: true, minAbsCoefficient: 1, difficulty: 1 },
  'c=ax+b': { id: 'c=ax+b', usesConstant: true, minAbsCoefficient: 1, difficulty: 1 },
  'a(x+b)=c': { id: 'a(x+b)=c', usesConstant: true, minAbsCoefficient: 2, difficulty: 2 },
  'ax=c': { id: 'ax=c', usesConstant: false, minAbsCoefficient: 2, difficulty: 0 },
};

/** `3x`, `x`, `-x`, `-3x`. */
function term(a: number, variable: string): string {
  if (a === 1) return variable;
  if (a === -1) return `-${variable}`;
  return `${a}${variable}`;
}

/** ` + 5` or ` - 5`. */
function plus(b: number): string {
  return b < 0 ? ` - ${-b}` : ` + ${b}`;
}

function render(form: FormId, variable: string, a: number, b: number, c: number): string {
  switch (form) {
    case 'ax+b=c':
      return `${term(a, variable)}${plus(b)} = ${c}`;
    case 'b+ax=c':
      return `${b} ${a < 0 ? '-' : '+'} ${term(Math.abs(a), variable)} = ${c}`;
    case 'c=ax+b':
      return `${c} = ${term(a, variable)}${plus(b)}`;
    case 'a(x+b)=c':
      return `${a}(${variable}${plus(b)}) = ${c}`;
    case 'ax=c':
      return `${term(a, variable)} = ${c}`;
  }
}

/** The run of questions sharing one coefficient a inside a segment. */
interface CoefficientBlock {
  readonly a: number;
  readonly start: number;
  /** Number of solution choices for this a. */
  readonly solutions: number;
}

/**
 * One equation class: forms that write the same equation in another order or with the sides swapped (ax + b = c,
 * b + ax = c, c = ax + b) are one class, told in one of its forms by the surface variant; a(x + b) = c and ax = c are
 * classes of their own.
 */
interface EquationClass {
  readonly forms: readonly Form[];
  readonly usesConstant: boolean;
  readonly minAbsCoefficient: number;
}

/** All questions of one (equation class, solution kind): blocks by coefficient, each a product [constant, solution]. */
interface Segment {
  readonly equation: EquationClass;
  readonly kind: SolutionKind;
  readonly start: number;
  readonly size: number;
  readonly blocks: CoefficientBlock[];
  readonly blockStarts: number[];
}

/** The selected forms grouped into equation classes, in form order. */
function equationClasses(formList: readonly Form[]): EquationClass[] {
  const classes: EquationClass[] = [];
  const arrangements = formList.filter((form) => form.id === 'ax+b=c' || form.id === 'b+ax=c' || form.id === 'c=ax+b');
  if (arrangements.length > 0) classes.push({ forms: arrangements, usesConstant: true, minAbsCoefficient: 1 });
  for (const form of formList) {
    if (!arrangements.includes(form)) classes.push({ forms: [form], usesConstant: form.usesConstant, minAbsCoefficient: form.minAbsCoefficient });
  }
  return classes;
}

/**
 * Indexed by equation (class, coefficient, constant, solution); the variable letter and the written form of the class
 * come from the surface variant, so distinct indices are distinct equations and --unique never repeats one renamed.
 */
class LinearSpace implements QuestionSpace {
  readonly size: number;
  readonly surfaceVariants = true;
  readonly strata: readonly Stratum[];
  private readonly segments: Segment[] = [];
  private readonly segmentStarts: number[] = [];
  private readonly weights: number[];
  private readonly variables: string[];
  private readonly constants: number[];
  private readonly minSolution: number;

  constructor(config: LinearConfig, formList: readonly Form[]) {
    this.minSolution = config.minSolution;
    this.variables = [...new Set(config.variables.split(''))];
    this.constants = [];
    for (let b = config.minConstant; b <= config.maxConstant; b += 1) if (b !== 0) this.constants.push(b);
    const kinds: SolutionKind[] = config.solutions === 'both' ? ['integer', 'rational'] : [config.solutions];
    const span = config.maxSolution - config.minSolution;
    let start = 0;
    for (const equation of equationClasses(formList)) {
      const constantCount = equation.usesConstant ? this.constants.length : 1;
      for (const kind of kinds) {
        const blocks: CoefficientBlock[] = [];
        let size = 0;
        for (let a = config.minCoefficient; a <= config.maxCoefficient; a += 1) {
          if (Math.abs(a) < equation.minAbsCoefficient) continue;
          const solutions = kind === 'integer' ? span + 1 : span * (Math.abs(a) - 1);
          const count = productSize([constantCount, solutions]);
          if (count === 0) continue;
          blocks.push({ a, start: size, solutions });
          size = productSize([size + count]);
        }
        if (size === 0) continue;
        this.segments.push({ equation, kind, start, size, blocks, blockStarts: blocks.map((block) => block.start) });
        this.segmentStarts.push(start);
        start = productSize([start + size]);
      }
    }
    this.size = start;
    // Each written form and solution kind equally often, as when every form was its own block of questions.
    this.weights = this.segments.map((segment) => segment.equation.forms.length);
    this.strata = this.segments.map((segment, index) => ({ size: segment.size, weight: this.weights[index] as number }));
  }

  draw(rng: Rng): number {
    const segment = this.segments[rng.weighted(this.weights)] as Segment;
    return segment.start + rng.below(segment.size);
  }

  item(index: number, variant = 0): MathItem {
    const { segment, a, b, n } = this.decode(index);
    const forms = segment.equation.forms;
    const letters = this.variables.length;
    const variable = this.variables[variant % letters] as string;
    const form = forms[Math.floor(variant / letters) % forms.length] as Form;
    return new LinearItem(form, variable, a, b, n);
  }

  factKey(index: number): string {
    const { segment, a, b, n } = this.decode(index);
    return linearFactKey(segment.equation.forms[0] as Form, a, b, n);
  }

  private decode(index: number): { segment: Segment; a: number; b: number; n: number } {
    const segment = this.segments[locateBlock(this.segmentStarts, index)] as Segment;
    const offset = index - segment.start;
    const block = segment.blocks[locateBlock(segment.blockStarts, offset)] as CoefficientBlock;
    const constantCount = segment.equation.usesConstant ? this.constants.length : 1;
    const [constantDigit, solutionDigit] = decodeMixedRadix(offset - block.start, [constantCount, block.solutions]) as [number, number];
    const a = block.a;
    let n: number; // a·x, an integer by construction
    if (segment.kind === 'integer') {
      n = a * (this.minSolution + solutionDigit);
    } else {
      // x = w + r/|a| with 0 < r < |a|: strictly between two integers, and c stays an integer.
      const whole = this.minSolution + Math.floor(solutionDigit / (Math.abs(a) - 1));
      const remainder = 1 + (solutionDigit % (Math.abs(a) - 1));
      n = a * whole + Math.sign(a) * remainder;
    }
    const b = segment.equation.usesConstant ? (this.constants[constantDigit] as number) : 0;
    return { segment, a, b, n };
  }
}

/** c of an equation with coefficient a, constant b and a·x = n. */
function rightSide(form: Form, a: number, b: number, n: number): number {
  return form.id === 'a(x+b)=c' ? a * b + n : n + b;
}

/**
 * The equation as a·x + B = c, whatever its letter, side or term order, with a(x + b) expanded: 2(x + 3) = 10,
 * 2x + 6 = 10, 6 + 2y = 10 and 10 = 2x + 6 are one equation, so a test question never reappears in training renamed,
 * rearranged or expanded. Equations that differ by a step of solving (adding to both sides) stay distinct.
 */
function linearFactKey(form: Form, a: number, b: number, n: number): string {
  return `${a}x+${form.id === 'a(x+b)=c' ? a * b : b}=${rightSide(form, a, b, n)}`;
}

/** One linear equation with solution n/a; a class because millions are made per second. */
class LinearItem implements MathItem {
  readonly question: string;
  readonly answer: string;
  readonly difficulty: number;
  private readonly c: number;
  private readonly n: number;
  private readonly x: Rational;
  private readonly equation: string;

  constructor(
    private readonly form: Form,
    private readonly variable: string,
    private readonly a: number,
    private readonly b: number,
    n: number,
  ) {
    this.c = rightSide(form, a, b, n);
    this.n = n;
    this.x = Rational.of(n, a);
    this.equation = render(form.id, variable, a, b, this.c);
    this.question = `Solve for ${variable}: ${this.equation}`;
    this.answer = this.x.toString();
    this.difficulty = 1 + form.difficulty + (this.x.den !== 1 ? 1 : 0) + (a < 0 ? 1 : 0);
  }

  // Built on demand: most output formats never read them.
  get fact(): string {
    return `${this.equation} when ${this.variable} = ${this.answer}`;
  }

  get factKey(): string {
    return linearFactKey(this.form, this.a, this.b, this.n);
  }

  get meta(): Readonly<Record<string, unknown>> {
    return { form: this.form.id, solutionKind: this.x.den !== 1 ? 'rational' : 'integer', variable: this.variable };
  }

  solution(answer: string): string {
    return this.solutionBy('right', answer);
  }

  /** The worked steps of a route, ending in `answer`. */
  solutionBy(route: Route, answer: string): string {
    return `${this.steps(route, answer)} The answer is ${answer}.`;
  }

  private steps(route: Route, answer: string): string {
    const { form, variable: v, a, b, c } = this;
    const rest = c - b;
    if (form.id === 'ax=c') {
      switch (route) {
        case 'divided-upside-down':
          return `Divide: ${v} = ${a} / ${signed(c)} = ${answer}.`;
        case 'multiplied':
          return `Multiply both sides by ${a}: ${v} = ${answer}.`;
        default:
          return `Divide both sides by ${a}: ${v} = ${answer}.`;
      }
    }
    if (form.id === 'a(x+b)=c') {
      const divided = `Divide both sides by ${a}: ${v}${plus(b)} = ${Rational.of(c, a).toString()}.`;
      switch (route) {
        case 'moved-wrong-way':
          return `${divided} ${moveConstant(-b)}: ${v} = ${answer}.`;
        case 'expanded-partly':
          return `Expand: ${term(a, v)}${plus(b)} = ${c}. ${moveConstant(b)}: ${term(a, v)} = ${rest}. Divide both sides by ${a}: ${v} = ${answer}.`;
        case 'multiplied':
          return `Multiply both sides by ${a}: ${v}${plus(b)} = ${c * a}. ${moveConstant(b)}: ${v} = ${answer}.`;
        default:
          return `${divided} ${moveConstant(b)}: ${v} = ${answer}.`;
      }
    }
    const prefix = form.id === 'c=ax+b' ? `Swap the two sides: ${term(a, v)}${plus(b)} = ${c}. ` : '';
    switch (route) {
      case 'moved-wrong-way':
        return `${prefix}${isolate(a, b, c + b, v, answer)}`;
      case 'divided-upside-down':
        return `${prefix}${moveConstant(b)}: ${term(a, v)} = ${rest}. Divide: ${v} = ${a} / ${signed(rest)} = ${answer}.`;
      case 'multiplied':
        return `${prefix}${moveConstant(b)}: ${term(a, v)} = ${rest}. Multiply both sides by ${a}: ${v} = ${answer}.`;
      default:
        return `${prefix}${isolate(a, b, rest, v, answer)}`;
    }
  }

  mistakes(rng: Rng): Mistake[] {
    const { form, a, b, c, x } = this;
    const mistakes: LinearMistake[] = [];
    this.offer(mistakes, 'off-by-one', x.add(Rational.of(rng.chance(0.5) ? 1 : -1)), 'right');
    if (form.id === 'ax=c') {
      this.offer(mistakes, 'sign-flip', x.neg(), 'right');
      if (c !== 0) this.offer(mistakes, 'inverted-fraction', Rational.of(a, c), 'divided-upside-down');
      if (Math.abs(a) !== 1) this.offer(mistakes, 'wrong-operation', Rational.of(a * c), 'multiplied');
    } else if (form.id === 'a(x+b)=c') {
      this.offer(mistakes, 'sign-flip', Rational.of(c, a).add(Rational.of(b)), 'moved-wrong-way');
      this.offer(mistakes, 'skipped-step', Rational.of(c - b, a), 'expanded-partly');
      this.offer(mistakes, 'wrong-operation', Rational.of(c * a - b), 'multiplied');
    } else {
      this.offer(mistakes, 'sign-flip', Rational.of(c + b, a), 'moved-wrong-way');
      if (c - b !== 0) this.offer(mistakes, 'inverted-fraction', Rational.of(a, c - b), 'divided-upside-down');
      if (Math.abs(a) !== 1) this.offer(mistakes, 'wrong-operation', Rational.of((c - b) * a), 'multiplied');
    }
    return mistakes;
  }

  private offer(mistakes: LinearMistake[], kind: MistakeKind, value: Rational, route: Route): void {
    if (value.equals(this.x)) return;
    const answer = value.toString();
    for (const mistake of mistakes) if (mistake.answer === answer) return;
    mistakes.push(new LinearMistake(kind, answer, this, route));
  }
}

/** How a solution isolates the unknown: rightly, or with a classic slip. */
type Route =
  | 'right'
  | 'moved-wrong-way' // moved the constant across without changing its sign
  | 'divided-upside-down' // divided the coefficient by the other side
  | 'multiplied' // multiplied by the coefficient instead of dividing
  | 'expanded-partly'; // a(x + b) expanded as ax + b

/** A wrong answer whose worked solution is rendered only when asked for (most are never shown). */
class LinearMistake implements Mistake {
  constructor(
    readonly kind: MistakeKind,
    readonly answer: string,
    private readonly item: LinearItem,
    private readonly route: Route,
  ) {}

  get solution(): string {
    return this.item.solutionBy(this.route, this.answer);
  }
}

/** A number as it reads after an operator: `5`, `(-5)`. */
function signed(value: number): string {
  return value < 0 ? `(${value})` : String(value);
}

/** `Subtract 5 from both sides` / `Add 5 to both sides` for moving the constant b. */
function moveConstant(b: number): string {
  return b > 0 ? `Subtract ${b} from both sides` : `Add ${-b} to both sides`;
}

/** From `ax + b = c` to `x = answer`, with `rest` standing for c - b. */
function isolate(a: number, b: number, rest: number, variable: string, answer: string): string {
  if (a === 1) return `${moveConstant(b)}: ${variable} = ${answer}.`;
  const last = a === -1 ? `Multiply both sides by -1` : `Divide both sides by ${a}`;
  return `${moveConstant(b)}: ${term(a, variable)} = ${rest}. ${last}: ${variable} = ${answer}.`;
}

function parseForms(text: string): Form[] {
  const ids = text === 'all' ? formIds : [...new Set(text.split(',').map((id) => id.trim()))];
  return ids.map((id) => forms[id as FormId]);
}

/** Linear equations in one unknown built from their solution: ax + b = c, a(x + b) = c and variants. */
export const linear: Template<LinearConfig> = {
  name: 'linear',
  description: 'linear equations ax + b = c, a(x + b) = c and variants, built from an integer or rational solution',
  config: LinearConfig,
  distinctQuestion: 'equation: the variable letter, the side swap and the term order are wording, drawn freely',
  testAnswers: 'text',
  space(config) {
    requireOrderedRanges('linear', config, ['coefficient', 'constant', 'solution']);
    const formList = parseForms(config.forms);
    if (config.minCoefficient === 0 && config.maxCoefficient === 0) {
      throw new EmptySpaceError('linear', '--min-coefficient 0 and --max-coefficient 0 leave no nonzero coefficient');
    }
    if (config.minConstant === 0 && config.maxConstant === 0 && formList.every((form) => form.usesConstant)) {
      throw new EmptySpaceError('linear', `--min-constant 0 and --max-constant 0 leave no nonzero constant for --forms ${config.forms}`);
    }
    const space = new LinearSpace(config, formList);
    if (space.size === 0) {
      const hasWideCoefficient = config.minCoefficient <= -2 || config.maxCoefficient >= 2;
      let why = `no --forms ${config.forms} equation fits --solutions ${config.solutions} with these ranges`;
      if (config.solutions === 'rational' && config.minSolution === config.maxSolution) {
        why = `--solutions rational needs --min-solution below --max-solution (both are ${config.minSolution})`;
      } else if (!hasWideCoefficient && config.solutions === 'rational') {
        why = `--solutions rational needs a coefficient with |a| >= 2, but --min-coefficient ${config.minCoefficient} and --max-coefficient ${config.maxCoefficient} allow only ±1`;
      } else if (!hasWideCoefficient) {
        why = `--forms ${config.forms} needs a coefficient with |a| >= 2, but --min-coefficient ${config.minCoefficient} and --max-coefficient ${config.maxCoefficient} allow only ±1`;
      }
      throw new EmptySpaceError('linear', why);
    }
    return space;
  },
};
