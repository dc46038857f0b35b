import { type Scenario, phrase, stepKit } from '../scenario.js';
import { dollars } from '../solve.js';
import { type Noun, type Person, agree, count, foot, noun, people, withArticle } from '../words.js';

const lengthUnits: readonly Noun[] = [noun('meter'), foot];
const box = noun('box', 'boxes');

/** Fencing a rectangle at a price per unit of length. */
export interface FenceParams {
  readonly phrasing: number;
  readonly person: Person;
  readonly place: string;
  readonly unit: Noun;
  readonly length: number;
  readonly width: number;
  readonly price: number;
}

const fenceKit = stepKit<FenceParams>();
const fencePlaces = ['garden', 'yard', 'dog run', 'vegetable patch', 'playground'];
const fencePhrasings: readonly ((params: FenceParams) => string)[] = [
  ({ person, place, unit, length, width, price }) =>
    `${person.name}'s rectangular ${place} is ${length} ${unit.plural} long and ${width} ${unit.plural} wide. Fencing costs ${dollars(price)} per ${unit.singular}. How much does it cost to fence all the way around?`,
  ({ person, place, unit, length, width, price }) =>
    `${person.name} wants to put a fence around a rectangular ${place} measuring ${length} by ${width} ${unit.plural}. If fencing is ${dollars(price)} a ${unit.singular}, what is the total cost in dollars?`,
  ({ person, place, unit, length, width, price }) =>
    `What does ${person.name} pay to fence ${withArticle(length)}-${unit.singular} by ${width}-${unit.singular} rectangular ${place} at ${dollars(price)} per ${unit.singular} of fencing?`,
];

export const fenceCost: Scenario<FenceParams> = {
  id: 'fence-cost',
  theme: 'geometry',
  unit: 'dollars',
  choose(choices, maxQuantity) {
    return {
      phrasing: choices.surface.index(fencePhrasings.length),
      person: choices.surface.pick(people),
      place: choices.surface.pick(fencePlaces),
      unit: choices.surface.pick(lengthUnits),
      length: choices.int(2, maxQuantity + 1),
      width: choices.int(2, maxQuantity + 1),
      price: choices.int(2, maxQuantity + 1),
    };
  },
  question: (params) => phrase(fencePhrasings, params),
  steps: [
    fenceKit.step('+', [fenceKit.number((p) => p.length), fenceKit.number((p) => p.width)], (p, work) => `Length plus width is ${work} ${p.unit.plural}.`),
    fenceKit.step('x', [0, fenceKit.constant(2)], (p, work) => `The perimeter is ${work} ${p.unit.plural}.`, { skipTo: 0 }),
    fenceKit.step('x', [1, fenceKit.money((p) => p.price)], (_, work) => `The fence costs ${work}.`, { style: 'money' }),
  ],
};

/** Covering a floor with one-foot tiles sold by the box. */
export interface TilesParams {
  readonly phrasing: number;
  readonly person: Person;
  readonly room: string;
  readonly length: number;
  readonly width: number;
  readonly perBox: number;
  readonly price: number;
}

const tilesKit = stepKit<TilesParams>();
const tilesRooms = ['kitchen', 'bathroom', 'hallway', 'patio', 'laundry room'];
const tilesPhrasings: readonly ((params: TilesParams) => string)[] = [
  ({ person, room, length, width, perBox, price }) =>
    `${person.name} is tiling a ${room} floor that is ${length} feet by ${width} feet with 1-foot square tiles. Tiles come in boxes of ${perBox}, and each box costs ${dollars(price)}. How much do the tiles cost?`,
  ({ person, room, length, width, perBox, price }) =>
    `A ${room} measures ${length} by ${width} feet. One-foot square tiles are sold ${perBox} to a box for ${dollars(price)} a box. What does ${person.name} spend to cover the floor?`,
  ({ person, room, length, width, perBox, price }) =>
    `How much will ${person.name} pay for enough 1-foot square tiles to cover ${withArticle(length)}-foot by ${width}-foot ${room} if a box of ${perBox} tiles costs ${dollars(price)}?`,
];

export const tilesBoxes: Scenario<TilesParams> = {
  id: 'tiles-boxes',
  theme: 'geometry',
  unit: 'dollars',
  choose(choices, maxQuantity) {
    const phrasing = choices.surface.index(tilesPhrasings.length);
    const person = choices.surface.pick(people);
    const room = choices.surface.pick(tilesRooms);
    const perBox = choices.int(2, 10);
    // A length that is a multiple of the box size makes the area a whole number of boxes.
    const length = perBox * choices.int(1, 4);
    const width = choices.int(2, maxQuantity);
    const price = choices.int(5, 4 + maxQuantity);
    return { phrasing, person, room, perBox, length, width, price };
  },
  question: (params) => phrase(tilesPhrasings, params),
  steps: [
    tilesKit.step('x', [tilesKit.number((p) => p.length), tilesKit.number((p) => p.width)], (_, work) => `The floor is ${work} square feet.`),
    tilesKit.step('/', [0, tilesKit.number((p) => p.perBox)], (_, work, result) => `That needs ${work} ${agree(result, box)}.`, {
      skipTo: 0,
    }),
    tilesKit.step('x', [1, tilesKit.money((p) => p.price)], (_, work) => `The tiles cost ${work}.`, { style: 'money' }),
  ],
};

/** A rectangle minus a square inside it: the area left. */
export interface LawnParams {
  readonly phrasing: number;
  readonly person: Person;
  readonly feature: string;
  readonly unit: Noun;
  readonly side: number;
  readonly length: number;
  readonly width: number;
}

const lawnKit = stepKit<LawnParams>();
/** Square features with the side lengths they plausibly have, in meters and in feet; the ponds cover any side. */
const lawnFeatures: readonly { readonly name: string; readonly meters: readonly [number, number]; readonly feet: readonly [number, number] }[] = [
  { name: 'flower bed', meters: [1, 2], feet: [1, 6] },
  { name: 'sandbox', meters: [1, 3], feet: [3, 10] },
  { name: 'shed', meters: [2, 6], feet: [6, 20] },
  { name: 'patio', meters: [2, 10], feet: [6, 30] },
  { name: 'pool', meters: [3, 25], feet: [10, 80] },
  { name: 'pond', meters: [1, 100], feet: [3, 300] },
];
const lawnPhrasings: readonly ((params: LawnParams) => string)[] = [
  ({ person, length, width, unit, feature, side }) =>
    `${person.name}'s yard is a rectangle ${length} ${unit.plural} by ${width} ${unit.plural}. A square ${feature} with sides of ${count(side, unit)} takes up part of it, and the rest is grass. How many square ${unit.plural} of grass are there?`,
  ({ person, length, width, unit, feature, side }) =>
    `A rectangular lawn measures ${length} by ${width} ${unit.plural}, but a square ${feature} ${count(side, unit)} on each side sits in it. What area of grass, in square ${unit.plural}, does ${person.name} have to mow?`,
  ({ person, length, width, unit, feature, side }) =>
    `${person.name} mows everything in ${withArticle(length)}-by-${width}-${unit.singular} yard except a square ${feature} that is ${count(side, unit)} wide. How many square ${unit.plural} does ${person.subject} mow?`,
];

export const lawnArea: Scenario<LawnParams> = {
  id: 'lawn-area',
  theme: 'geometry',
  unit: (params) => `square ${params.unit.plural}`,
  choose(choices, maxQuantity) {
    const phrasing = choices.surface.index(lawnPhrasings.length);
    const person = choices.surface.pick(people);
    const unit = choices.surface.pick(lengthUnits);
    const side = choices.int(1, maxQuantity);
    const length = side + choices.int(1, maxQuantity);
    const width = side + choices.int(1, maxQuantity);
    // A feature of that size: no 18-meter sandbox.
    const fitting = lawnFeatures.filter((feature) => {
      const [low, high] = unit === foot ? feature.feet : feature.meters;
      return low <= side && side <= high;
    });
    const feature = choices.surface.pick(fitting).name;
    return { phrasing, person, feature, unit, side, length, width };
  },
  question: (params) => phrase(lawnPhrasings, params),
  steps: [
    lawnKit.step('x', [lawnKit.number((p) => p.length), lawnKit.number((p) => p.width)], (p, work) => `The yard is ${work} square ${p.unit.plural}.`),
    lawnKit.step('x', [lawnKit.number((p) => p.side), lawnKit.number((p) => p.side)], (p, work, result) => `The ${p.feature} is ${work} square ${agree(result, p.unit)}.`),
    lawnKit.step('-', [0, 1], (p, work) => `The grass covers ${work} square ${p.unit.plural}.`, { skipTo: 0 }),
  ],
};
