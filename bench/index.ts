// `pnpm bench`: prints figures, asserts nothing. Run `pnpm bench gen` to run only benchmarks whose name matches.
import { benchGenArith, type BenchFigure } from './gen-arith.js';
import { benchVerifyMath } from './verify-math.js';
import { benchVerifyMathSympy } from './verify-math-sympy.js';

const benches: Record<string, () => BenchFigure[] | Promise<BenchFigure[]>> = {
  'gen-arith': benchGenArith,
  'verify-math': benchVerifyMath,
  'verify-math-sympy': benchVerifyMathSympy,
  curate: () => import('./curate.js').then((module) => module.benchCurate()),
  sandbox: () => import('./sandbox.js').then((module) => module.benchSandbox()),
  llm: () => import('./llm.js').then((module) => module.benchLlm()),
};

const filter = process.argv[2];
for (const [name, run] of Object.entries(benches)) {
  if (filter && !name.includes(filter)) continue;
  process.stdout.write(`\n## ${name}\n`);
  for (const figure of await run()) {
    const value = figure.value >= 100 ? Math.round(figure.value).toLocaleString('en-US') : figure.value.toFixed(2);
    process.stdout.write(`${figure.name.padEnd(62)} ${value.padStart(12)} ${figure.unit}${figure.note ? `  (${figure.note})` : ''}\n`);
  }
}
