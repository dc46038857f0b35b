import fc from 'fast-check';
import { expect, test } from 'vitest';
import { routeModel } from './route-model.js';

const models = [
  { id: 'big', weight: 3 },
  { id: 'small', weight: 1 },
];

test('the same (seed, problem, sample) always gets the same model', () => {
  fc.assert(
    fc.property(fc.nat(), fc.string(), fc.nat(64), (seed, problemId, sampleIndex) => {
      expect(routeModel({ models, seed, problemId, sampleIndex })).toEqual(routeModel({ models: [...models], seed, problemId, sampleIndex }));
    }),
  );
});

test('traffic follows the weights', () => {
  const counts = { big: 0, small: 0 } as Record<string, number>;
  for (let index = 0; index < 20_000; index += 1) counts[routeModel({ models, seed: 1, problemId: `p${index}`, sampleIndex: 0 })!.model]! += 1;
  expect(counts.big! / 20_000).toBeGreaterThan(0.72);
  expect(counts.big! / 20_000).toBeLessThan(0.78);
});

test('samples of one problem and other seeds draw independently', () => {
  const picks = new Set(Array.from({ length: 40 }, (_, sampleIndex) => routeModel({ models, seed: 7, problemId: 'p', sampleIndex })!.model));
  expect(picks).toEqual(new Set(['big', 'small']));
  const bySeed = new Set(Array.from({ length: 40 }, (_, seed) => routeModel({ models, seed, problemId: 'p', sampleIndex: 0 })!.model));
  expect(bySeed.size).toBe(2);
});

test('a reroute never picks an excluded model, and nothing is left when all are excluded', () => {
  fc.assert(
    fc.property(fc.nat(), fc.string(), fc.nat(8), (seed, problemId, reroute) => {
      const route = routeModel({ models, seed, problemId, sampleIndex: 0, reroute: reroute + 1, exclude: new Set(['big']) });
      expect(route).toEqual({ model: 'small', reroute: reroute + 1 });
    }),
  );
  expect(routeModel({ models, seed: 1, problemId: 'p', sampleIndex: 0, exclude: new Set(['big', 'small']) })).toBeUndefined();
});
