import { gcd } from '../../rational.js';
import { type Scenario, phrase, stepKit } from '../scenario.js';
import { dollars } from '../solve.js';
import { type Noun, type Person, capitalize, count, noun, nouns, people } from '../words.js';

/** Money shared in a ratio: how much more the larger share is. */
export interface RatioParams {
  readonly phrasing: number;
  readonly person: Person;
  readonly partner: Person;
  readonly larger: number;
  readonly smaller: number;
  readonly total: number;
}

const ratioKit = stepKit<RatioParams>();
/** Ratios larger:smaller in lowest terms with parts up to 9. */
const ratios: readonly [number, number][] = Array.from({ length: 9 }, (_, index) => index + 1).flatMap((larger) =>
  Array.from({ length: larger - 1 }, (_, index) => index + 1)
    .filter((smaller) => gcd(larger, smaller) === 1)
    .map((smaller): [number, number] => [larger, smaller]),
);
const ratioPhrasings: readonly ((params: RatioParams) => string)[] = [
  ({ person, partner, total, larger, smaller }) =>
    `${person.name} and ${partner.name} share ${dollars(total)} in the ratio ${larger}:${smaller}. How much more money does ${person.name} get than ${partner.name}?`,
  ({ person, partner, total, larger, smaller }) =>
    `${dollars(total)} is split between ${person.name} and ${partner.name} so that their shares are in the ratio ${larger}:${smaller}. How many more dollars does ${person.name} receive?`,
  ({ person, partner, total, larger, smaller }) =>
    `${person.name} and ${partner.name} divide ${dollars(total)} between them, ${larger} parts to ${smaller}. By how many dollars does ${person.name}'s share exceed ${partner.name}'s?`,
];

export const shareRatio: Scenario<RatioParams> = {
  id: 'share-ratio',
  theme: 'sharing',
  unit: 'dollars',
  choose(choices, maxQuantity) {
    const phrasing = choices.surface.index(ratioPhrasings.length);
    const person = choices.surface.pick(people);
    const partner = choices.surface.pickOther(people, person);
    const [larger, smaller] = choices.pick(ratios);
    const part = choices.int(1, 5 * maxQuantity);
    return { phrasing, person, partner, larger, smaller, total: (larger + smaller) * part };
  },
  question: (params) => phrase(ratioPhrasings, params),
  steps: [
    ratioKit.step('+', [ratioKit.number((p) => p.larger), ratioKit.number((p) => p.smaller)], (_, work) => `There are ${work} parts.`),
    ratioKit.step('/', [ratioKit.money((p) => p.total), 0], (_, work) => `Each part is ${work}.`, { style: 'money' }),
    ratioKit.step('x', [1, ratioKit.number((p) => p.larger)], (p, work) => `${p.person.name} gets ${work}.`, { style: 'money' }),
    ratioKit.step('x', [1, ratioKit.number((p) => p.smaller)], (p, work) => `${p.partner.name} gets ${work}.`, { style: 'money' }),
    ratioKit.step('-', [2, 3], (p, work) => `${p.person.name} gets ${work} more.`, { style: 'money', skipTo: 0 }),
  ],
};

/** Batches of a recipe for a target amount: the ingredient left over. */
export interface RecipeParams {
  readonly phrasing: number;
  readonly person: Person;
  readonly food: string;
  readonly ingredient: Noun;
  readonly batch: number;
  readonly perBatch: number;
  readonly wanted: number;
  readonly have: number;
}

const recipeKit = stepKit<RecipeParams>();
const recipeFoods = ['cookies', 'muffins', 'pancakes', 'brownies', 'scones'];
const recipeIngredients = [noun('egg'), noun('cup of flour', 'cups of flour'), noun('cup of sugar', 'cups of sugar'), noun('stick of butter', 'sticks of butter')];
const recipePhrasings: readonly ((params: RecipeParams) => string)[] = [
  ({ person, batch, food, perBatch, ingredient, wanted, have }) =>
    `A recipe for ${batch} ${food} uses ${count(perBatch, ingredient)}. ${person.name} wants to make ${wanted} ${food} and has ${count(have, ingredient)}. How many ${ingredient.plural} will ${person.subject} have left over?`,
  ({ person, batch, food, perBatch, ingredient, wanted, have }) =>
    `${person.name} has ${count(have, ingredient)}. Each batch of ${batch} ${food} needs ${count(perBatch, ingredient)}. If ${person.subject} bakes ${wanted} ${food}, how many ${ingredient.plural} remain?`,
  ({ person, batch, food, perBatch, ingredient, wanted, have }) =>
    `To bake ${batch} ${food} you need ${count(perBatch, ingredient)}. How many of ${person.name}'s ${count(have, ingredient)} are left after ${person.subject} makes ${wanted} ${food}?`,
];

export const recipeScale: Scenario<RecipeParams> = {
  id: 'recipe-scale',
  theme: 'sharing',
  unit: (params) => params.ingredient.plural,
  choose(choices, maxQuantity) {
    const phrasing = choices.surface.index(recipePhrasings.length);
    const person = choices.surface.pick(people);
    const food = choices.surface.pick(recipeFoods);
    const ingredient = choices.surface.pick(recipeIngredients);
    const batch = choices.int(2, 12);
    const perBatch = choices.int(1, 6);
    const batches = choices.int(2, maxQuantity);
    const left = choices.int(0, maxQuantity);
    return { phrasing, person, food, ingredient, batch, perBatch, wanted: batch * batches, have: batches * perBatch + left };
  },
  question: (params) => phrase(recipePhrasings, params),
  steps: [
    recipeKit.step('/', [recipeKit.number((p) => p.wanted), recipeKit.number((p) => p.batch)], (p, work) => `${p.person.name} makes ${work} batches.`),
    recipeKit.step('x', [0, recipeKit.number((p) => p.perBatch)], (p, work) => `That takes ${work} ${p.ingredient.plural}.`, { skipTo: 1 }),
    recipeKit.step('-', [recipeKit.number((p) => p.have), 1], (p, work) => `${p.person.Subject} has ${work} ${p.ingredient.plural} left.`, { skipTo: 1 }),
  ],
};

/** Three scores known, the average of four wanted: the fourth score. */
export interface NeededScoreParams {
  readonly phrasing: number;
  readonly person: Person;
  readonly tests: string;
  readonly average: number;
  readonly scores: readonly [number, number, number];
}

const neededKit = stepKit<NeededScoreParams>();
const neededTests = ['math quizzes', 'spelling tests', 'science tests', 'history quizzes', 'piano exams'];
const neededPhrasings: readonly ((params: NeededScoreParams) => string)[] = [
  ({ person, tests, average, scores: [first, second, third] }) =>
    `${person.name} scored ${first}, ${second} and ${third} on ${person.possessive} first three ${tests}. What score does ${person.subject} need on the fourth to average exactly ${average}?`,
  ({ person, tests, average, scores: [first, second, third] }) =>
    `After three ${tests} with scores of ${first}, ${second} and ${third}, ${person.name} wants an average of ${average} over four ${tests}. What must ${person.subject} score on the last one?`,
  ({ person, tests, average, scores: [first, second, third] }) =>
    `To average ${average} on four ${tests}, what does ${person.name} need on the fourth if the first three were ${first}, ${second} and ${third}?`,
];

export const neededScore: Scenario<NeededScoreParams> = {
  id: 'needed-score',
  theme: 'sharing',
  unit: 'points',
  choose(choices) {
    const phrasing = choices.surface.index(neededPhrasings.length);
    const person = choices.surface.pick(people);
    const tests = choices.surface.pick(neededTests);
    // Scores within 5 of the average keep the needed fourth score within 15 of it, inside 55..100.
    const average = choices.int(70, 85);
    const scores: [number, number, number] = [
      average + choices.int(-5, 5),
      average + choices.int(-5, 5),
      average + choices.int(-5, 5),
    ];
    return { phrasing, person, tests, average, scores };
  },
  question: (params) => phrase(neededPhrasings, params),
  steps: [
    neededKit.step('x', [neededKit.number((p) => p.average), neededKit.constant(4)], (_, work) => `Four scores averaging that much add up to ${work} points.`),
    neededKit.step(
      '+',
      [neededKit.number((p) => p.scores[0]), neededKit.number((p) => p.scores[1]), neededKit.number((p) => p.scores[2])],
      (_, work) => `The first three add up to ${work} points.`,
    ),
    neededKit.step('-', [0, 1], (p, work) => `${p.person.Subject} needs ${work} points.`),
  ],
};

/** The mean of four game scores. */
export interface MeanScoreParams {
  readonly phrasing: number;
  readonly person: Person;
  readonly sport: string;
  readonly points: readonly [number, number, number, number];
}

const meanKit = stepKit<MeanScoreParams>();
const meanSports = ['basketball', 'rugby', 'volleyball', 'handball', 'water polo'];
const meanPhrasings: readonly ((params: MeanScoreParams) => string)[] = [
  ({ person, sport, points: [a, b, c, d] }) =>
    `${person.name} scored ${a}, ${b}, ${c} and ${d} points in ${person.possessive} last four ${sport} games. What is ${person.possessive} average number of points per game?`,
  ({ person, sport, points: [a, b, c, d] }) =>
    `Over four ${sport} games, ${person.name} got ${a} points, then ${b}, then ${c}, then ${d}. How many points did ${person.subject} average per game?`,
  ({ person, sport, points: [a, b, c, d] }) =>
    `What is ${person.name}'s mean score if ${person.subject} made ${a}, ${b}, ${c} and ${d} points in four ${sport} games?`,
];

export const meanScore: Scenario<MeanScoreParams> = {
  id: 'mean-score',
  theme: 'sharing',
  unit: 'points',
  choose(choices, maxQuantity) {
    const phrasing = choices.surface.index(meanPhrasings.length);
    const person = choices.surface.pick(people);
    const sport = choices.surface.pick(meanSports);
    const points: [number, number, number, number] = [
      choices.int(1, 2 * maxQuantity),
      choices.int(1, 2 * maxQuantity),
      choices.int(1, 2 * maxQuantity),
      choices.int(1, 2 * maxQuantity),
    ];
    return { phrasing, person, sport, points };
  },
  question: (params) => phrase(meanPhrasings, params),
  steps: [
    meanKit.step(
      '+',
      [meanKit.number((p) => p.points[0]), meanKit.number((p) => p.points[1]), meanKit.number((p) => p.points[2]), meanKit.number((p) => p.points[3])],
      (_, work) => `The four games total ${work} points.`,
    ),
    meanKit.step('/', [0, meanKit.constant(4)], (_, work) => `The average is ${work} points per game.`, { skipTo: 0 }),
  ],
};

/** A class split by a fraction into girls and boys, and a fraction of the boys playing: the boys who do not. */
export interface ClassParams {
  readonly phrasing: number;
  readonly person: Person;
  readonly group: string;
  readonly activity: string;
  readonly girls: number;
  readonly parts: number;
  readonly share: number;
  readonly students: number;
}

const classKit = stepKit<ClassParams>();
const classGroups = ['class', 'club', 'summer camp', 'choir'];
const classActivities = ['soccer', 'chess', 'basketball', 'tennis'];
/** Girls as girls/parts of the students, in lowest terms. */
const classFractions: readonly [number, number][] = [
  [1, 3],
  [2, 3],
  [1, 4],
  [3, 4],
  [1, 5],
  [2, 5],
  [3, 5],
  [4, 5],
];
const shareWords: Record<number, string> = { 2: 'half', 3: 'a third', 4: 'a quarter' };
const classPhrasings: readonly ((params: ClassParams) => string)[] = [
  ({ person, group, students, girls, parts, share, activity }) =>
    `There are ${students} students in ${person.name}'s ${group}. ${girls}/${parts} of them are girls, and ${shareWords[share]} of the boys play ${activity}. How many boys do not play ${activity}?`,
  ({ person, group, students, girls, parts, share, activity }) =>
    `${person.name}'s ${group} has ${students} students. If ${girls}/${parts} are girls and ${shareWords[share]} of the boys play ${activity}, how many of the boys don't?`,
  ({ person, group, students, girls, parts, share, activity }) =>
    `Of the ${students} students in ${person.name}'s ${group}, ${girls}/${parts} are girls. ${capitalize(shareWords[share] as string)} of the boys play ${activity}. How many boys are not ${activity} players?`,
];

export const classFraction: Scenario<ClassParams> = {
  id: 'class-fraction',
  theme: 'sharing',
  unit: 'students',
  choose(choices, maxQuantity) {
    const phrasing = choices.surface.index(classPhrasings.length);
    const person = choices.surface.pick(people);
    const group = choices.surface.pick(classGroups);
    const activity = choices.surface.pick(classActivities);
    const [girls, parts] = choices.pick(classFractions);
    const share = choices.int(2, 4);
    // A multiple of parts * share makes both the girls and the playing boys whole numbers.
    const students = parts * share * choices.int(1, Math.max(2, Math.floor(maxQuantity / 2)));
    return { phrasing, person, group, activity, girls, parts, share, students };
  },
  question: (params) => phrase(classPhrasings, params),
  steps: [
    classKit.step(
      '/',
      [classKit.number((p) => p.students), classKit.number((p) => p.parts)],
      (p, work) => `Splitting the ${p.students} students into ${p.parts} equal parts gives ${work} students per part.`,
    ),
    classKit.step('x', [0, classKit.number((p) => p.girls)], (_, work) => `So there are ${work} girls.`),
    classKit.step('-', [classKit.number((p) => p.students), 1], (_, work) => `That leaves ${work} boys.`),
    classKit.step(
      '/',
      [2, classKit.number((p) => p.share)],
      (p, work) => `${capitalize(shareWords[p.share] as string)} of the boys is ${work} boys, and they play ${p.activity}.`,
    ),
    classKit.step('-', [2, 3], (p, work) => `So ${work} boys do not play ${p.activity}.`, { skipTo: 1 }),
  ],
};

/** Trays of treats, some kept, the rest dealt out equally: each friend's share. */
export interface TreatsParams {
  readonly phrasing: number;
  readonly person: Person;
  readonly treat: string;
  readonly trays: number;
  readonly perTray: number;
  readonly kept: number;
  readonly friends: number;
}

const treatsKit = stepKit<TreatsParams>();
const treatKinds = ['cookies', 'cupcakes', 'brownies', 'muffins', 'tarts'];
const treatsPhrasings: readonly ((params: TreatsParams) => string)[] = [
  ({ person, trays, perTray, treat, kept, friends }) =>
    `${person.name} bakes ${trays} trays of ${perTray} ${treat}. ${person.Subject} keeps ${kept} and shares the rest equally among ${friends} friends. How many ${treat} does each friend get?`,
  ({ person, trays, perTray, treat, kept, friends }) =>
    `There are ${perTray} ${treat} on each of ${person.name}'s ${trays} trays. After ${person.subject} keeps ${kept} for ${person.possessive} family, the others are split evenly between ${friends} friends. How many ${treat} does each friend receive?`,
  ({ person, trays, perTray, treat, kept, friends }) =>
    `How many ${treat} does each of ${friends} friends get if ${person.name} bakes ${trays} trays with ${perTray} ${treat} on each, sets aside ${kept}, and divides the rest equally?`,
];

export const treatsShare: Scenario<TreatsParams> = {
  id: 'treats-share',
  theme: 'sharing',
  unit: 'treats',
  choose(choices, maxQuantity) {
    const phrasing = choices.surface.index(treatsPhrasings.length);
    const person = choices.surface.pick(people);
    const treat = choices.surface.pick(treatKinds);
    const trays = choices.int(2, Math.min(maxQuantity, 8));
    const perTray = choices.int(10, 9 + maxQuantity);
    const friends = choices.int(2, 6);
    // The remainder plus one or two full rounds: the rest divides evenly, and kept <= 17 < 20 <= trays * perTray.
    const kept = ((trays * perTray) % friends) + friends * choices.int(1, 2);
    return { phrasing, person, treat, trays, perTray, friends, kept };
  },
  question: (params) => phrase(treatsPhrasings, params),
  steps: [
    treatsKit.step('x', [treatsKit.number((p) => p.trays), treatsKit.number((p) => p.perTray)], (p, work) => `${p.person.Subject} bakes ${work} ${p.treat}.`),
    treatsKit.step('-', [0, treatsKit.number((p) => p.kept)], (p, work) => `After keeping ${p.kept}, ${work} are left.`, { skipTo: 0 }),
    treatsKit.step('/', [1, treatsKit.number((p) => p.friends)], (p, work) => `Each friend gets ${work} ${p.treat}.`),
  ],
};
