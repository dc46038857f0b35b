import { type Scenario, phrase, stepKit } from '../scenario.js';
import { type Noun, type Person, capitalize, count, foot, hour, kilogram, liter, noun, people, withArticle } from '../words.js';

/** Feet of material cut into pieces some inches long, some used: the pieces left. */
export interface RibbonParams {
  readonly phrasing: number;
  readonly person: Person;
  readonly material: string;
  readonly feet: number;
  readonly inches: number;
  readonly used: number;
}

const ribbonKit = stepKit<RibbonParams>();
const ribbonMaterials = ['ribbon', 'rope', 'string', 'wire', 'yarn'];
/** Piece lengths that divide a foot, so every length in feet cuts into whole pieces. */
const ribbonInches = [2, 3, 4, 6];
const ribbonPhrasings: readonly ((params: RibbonParams) => string)[] = [
  ({ person, feet, material, inches, used }) =>
    `${person.name} has ${count(feet, foot)} of ${material}. ${person.Subject} cuts it into pieces that are ${inches} inches long and uses ${used} of the pieces. How many pieces are left?`,
  ({ person, feet, material, inches, used }) =>
    `${capitalize(withArticle(feet))}-foot length of ${material} is cut into ${inches}-inch pieces. ${person.name} uses ${used} of them for a craft project. How many pieces remain?`,
  ({ person, feet, material, inches, used }) =>
    `How many ${inches}-inch pieces of ${material} does ${person.name} still have after cutting ${count(feet, foot)} of it into equal pieces and using ${used} of them?`,
];

export const ribbonPieces: Scenario<RibbonParams> = {
  id: 'ribbon-pieces',
  theme: 'units',
  unit: 'pieces',
  choose(choices, maxQuantity) {
    const phrasing = choices.surface.index(ribbonPhrasings.length);
    const person = choices.surface.pick(people);
    const material = choices.surface.pick(ribbonMaterials);
    const inches = choices.pick(ribbonInches);
    // At most one piece per foot is used, and every foot gives at least two pieces.
    const [feet, used] = choices.pairUpTo(maxQuantity);
    return { phrasing, person, material, inches, feet, used };
  },
  question: (params) => phrase(ribbonPhrasings, params),
  steps: [
    ribbonKit.step('x', [ribbonKit.number((p) => p.feet), ribbonKit.constant(12, 10)], (p, work) => `The ${p.material} is ${work} inches long.`),
    ribbonKit.step('/', [0, ribbonKit.number((p) => p.inches)], (_, work) => `That makes ${work} pieces.`),
    ribbonKit.step('-', [1, ribbonKit.number((p) => p.used)], (p, work) => `${p.person.Subject} has ${work} pieces left.`, { skipTo: 0 }),
  ],
};

/** Minutes per lap from a session of hours and minutes: the laps completed. */
export interface LapsParams {
  readonly phrasing: number;
  readonly person: Person;
  readonly activity: string;
  readonly hours: number;
  readonly minutes: number;
  readonly perLap: number;
}

const lapsKit = stepKit<LapsParams>();
const lapsActivities = ['swims laps of the pool', 'runs laps around the track', 'skates laps around the rink', 'cycles laps around the park'];
/** (minutes per lap, extra minutes): lap times dividing an hour, extra minutes a positive multiple of the lap time. */
const lapsTimes: readonly [number, number][] = [2, 3, 4, 5, 6, 10, 12, 15, 20, 30].flatMap((perLap) =>
  Array.from({ length: Math.floor(59 / perLap) }, (_, index): [number, number] => [perLap, perLap * (index + 1)]),
);
const lapsPhrasings: readonly ((params: LapsParams) => string)[] = [
  ({ person, activity, hours, minutes, perLap }) =>
    `${person.name} ${activity} for ${count(hours, hour)} and ${minutes} minutes. Each lap takes ${perLap} minutes. How many laps does ${person.subject} complete?`,
  ({ person, activity, hours, minutes, perLap }) =>
    `Each lap takes ${person.name} ${perLap} minutes. ${person.Subject} ${activity} for ${count(hours, hour)} ${minutes} minutes without stopping. How many laps is that?`,
  ({ person, activity, hours, minutes, perLap }) =>
    `If one lap takes ${perLap} minutes, how many laps does ${person.name} finish when ${person.subject} ${activity} for ${count(hours, hour)} and ${minutes} minutes?`,
];

export const lapsMinutes: Scenario<LapsParams> = {
  id: 'laps-minutes',
  theme: 'units',
  unit: 'laps',
  choose(choices, maxQuantity) {
    const phrasing = choices.surface.index(lapsPhrasings.length);
    const person = choices.surface.pick(people);
    const activity = choices.surface.pick(lapsActivities);
    const hours = choices.int(1, Math.min(maxQuantity, 5));
    const [perLap, minutes] = choices.pick(lapsTimes);
    return { phrasing, person, activity, hours, minutes, perLap };
  },
  question: (params) => phrase(lapsPhrasings, params),
  steps: [
    lapsKit.step('x', [lapsKit.number((p) => p.hours), lapsKit.constant(60, 100)], (p, work) => `${count(p.hours, hour)} is ${work} minutes.`),
    lapsKit.step('+', [0, lapsKit.number((p) => p.minutes)], (p, work) => `Adding ${p.minutes} minutes gives ${work} minutes.`, { skipTo: 0 }),
    lapsKit.step('/', [1, lapsKit.number((p) => p.perLap)], (_, work) => `That is ${work} laps.`),
  ],
};

/** Liters poured into glasses of some milliliters, some already poured: the glasses still to fill. */
export interface GlassesParams {
  readonly phrasing: number;
  readonly person: Person;
  readonly drink: string;
  readonly liters: number;
  readonly glass: number;
  readonly poured: number;
}

const glassesKit = stepKit<GlassesParams>();
const glassesDrinks = ['juice', 'lemonade', 'iced tea', 'milk', 'water'];
/** The smallest container that plausibly holds so many liters: a jug, a drinks dispenser or a barrel. */
function containerFor(liters: number): string {
  return liters <= 3 ? 'a jug' : liters <= 20 ? 'a drinks dispenser' : 'a barrel';
}

/** Glass sizes in milliliters that divide a liter. */
const glassSizes = [100, 125, 200, 250, 500];
const glassesPhrasings: readonly ((params: GlassesParams) => string)[] = [
  ({ person, liters, drink, glass, poured }) =>
    `${capitalize(containerFor(liters))} holds ${count(liters, liter)} of ${drink}. Each glass takes ${glass} milliliters. After ${person.name} pours ${poured} glasses, how many more glasses can ${person.subject} fill?`,
  ({ person, liters, drink, glass, poured }) =>
    `${person.name} has ${count(liters, liter)} of ${drink} and fills glasses of ${glass} milliliters each. ${person.Subject} has already poured ${poured} glasses. How many more can ${person.subject} pour?`,
  ({ person, liters, drink, glass, poured }) =>
    `How many more ${glass}-milliliter glasses can ${person.name} fill from ${count(liters, liter)} of ${drink} once ${poured} glasses have been poured?`,
];

export const juiceGlasses: Scenario<GlassesParams> = {
  id: 'juice-glasses',
  theme: 'units',
  unit: 'glasses',
  choose(choices, maxQuantity) {
    const phrasing = choices.surface.index(glassesPhrasings.length);
    const person = choices.surface.pick(people);
    const drink = choices.surface.pick(glassesDrinks);
    const glass = choices.pick(glassSizes);
    // At most one glass per liter is poured, and every liter fills at least two glasses.
    const [liters, poured] = choices.pairUpTo(maxQuantity);
    return { phrasing, person, drink, glass, liters, poured };
  },
  question: (params) => phrase(glassesPhrasings, params),
  steps: [
    glassesKit.step('x', [glassesKit.number((p) => p.liters), glassesKit.constant(1000, 100)], (p, work) => `${count(p.liters, liter)} is ${work} milliliters.`),
    glassesKit.step('/', [0, glassesKit.number((p) => p.glass)], (_, work) => `That fills ${work} glasses.`),
    glassesKit.step('-', [1, glassesKit.number((p) => p.poured)], (p, work) => `After ${p.poured} glasses, ${work} glasses remain.`, { skipTo: 0 }),
  ],
};

/** Kilograms of flour, grams per bake: the grams left after baking. */
export interface FlourParams {
  readonly phrasing: number;
  readonly person: Person;
  readonly bake: Noun;
  readonly kilograms: number;
  readonly grams: number;
  readonly bakes: number;
}

const flourKit = stepKit<FlourParams>();
const flourBakes = [noun('loaf', 'loaves'), noun('cake'), noun('pie'), noun('batch of muffins', 'batches of muffins'), noun('pizza base')];
const flourPhrasings: readonly ((params: FlourParams) => string)[] = [
  ({ person, kilograms, bake, grams, bakes }) =>
    `${person.name} has ${count(kilograms, kilogram)} of flour. Each ${bake.singular} needs ${grams} grams. After baking ${count(bakes, bake)}, how many grams of flour does ${person.subject} have left?`,
  ({ person, kilograms, bake, grams, bakes }) =>
    `${capitalize(bake.one)} uses ${grams} grams of flour. ${person.name} bakes ${count(bakes, bake)} from ${withArticle(kilograms)}-kilogram bag. How many grams are left in the bag?`,
  ({ person, kilograms, bake, grams, bakes }) =>
    `How many grams of flour remain if ${person.name} starts with ${count(kilograms, kilogram)} and uses ${grams} grams for each of ${count(bakes, bake)}?`,
];

export const flourGrams: Scenario<FlourParams> = {
  id: 'flour-grams',
  theme: 'units',
  unit: 'grams',
  choose(choices, maxQuantity) {
    const phrasing = choices.surface.index(flourPhrasings.length);
    const person = choices.surface.pick(people);
    const bake = choices.surface.pick(flourBakes);
    const grams = 50 * choices.int(4, 16);
    // At most one bake per kilogram, and no bake needs more than 800 grams.
    const [kilograms, bakes] = choices.pairUpTo(maxQuantity);
    return { phrasing, person, bake, grams, kilograms, bakes };
  },
  question: (params) => phrase(flourPhrasings, params),
  steps: [
    flourKit.step('x', [flourKit.number((p) => p.kilograms), flourKit.constant(1000, 100)], (p, work) => `${count(p.kilograms, kilogram)} is ${work} grams.`),
    flourKit.step('x', [flourKit.number((p) => p.bakes), flourKit.number((p) => p.grams)], (p, work) => `The ${p.bake.plural} use ${work} grams.`),
    flourKit.step('-', [0, 1], (p, work) => `${p.person.Subject} has ${work} grams left.`, { skipTo: 1 }),
  ],
};
