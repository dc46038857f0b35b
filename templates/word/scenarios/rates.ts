import { type Scenario, phrase, stepKit } from '../scenario.js';
import { type Noun, type Person, agree, count, hour, noun, nouns, people, withArticle } from '../words.js';

/** A length unit with its speed unit. */
export interface DistanceUnit {
  readonly long: string;
  readonly rate: string;
}

const distanceUnits: readonly DistanceUnit[] = [
  { long: 'miles', rate: 'miles per hour' },
  { long: 'kilometers', rate: 'kilometers per hour' },
];

/** Two legs of a trip at different speeds: the total distance. */
export interface TwoLegParams {
  readonly phrasing: number;
  readonly person: Person;
  readonly unit: DistanceUnit;
  readonly speed1: number;
  readonly hours1: number;
  readonly speed2: number;
  readonly hours2: number;
}

const twoLegKit = stepKit<TwoLegParams>();
const twoLegPhrasings: readonly ((params: TwoLegParams) => string)[] = [
  ({ person, unit, speed1, hours1, speed2, hours2 }) =>
    `${person.name} drives for ${count(hours1, hour)} at ${speed1} ${unit.rate}, then for ${count(hours2, hour)} at ${speed2} ${unit.rate}. How many ${unit.long} does ${person.subject} travel in total?`,
  ({ person, unit, speed1, hours1, speed2, hours2 }) =>
    `On a road trip, ${person.name} spends ${count(hours1, hour)} driving at ${speed1} ${unit.rate} and ${hours2} more ${hours2 === 1 ? 'hour' : 'hours'} at ${speed2} ${unit.rate}. What total distance in ${unit.long} does ${person.subject} cover?`,
  ({ person, unit, speed1, hours1, speed2, hours2 }) =>
    `How far does ${person.name} go if ${person.subject} rides a train at ${speed1} ${unit.rate} for ${count(hours1, hour)} and then a bus at ${speed2} ${unit.rate} for ${count(hours2, hour)}? Answer in ${unit.long}.`,
];

function speedChoice(choices: { int(low: number, high: number): number }, maxQuantity: number): number {
  return 5 * choices.int(4, 3 + Math.min(maxQuantity, 16));
}

export const twoLegDistance: Scenario<TwoLegParams> = {
  id: 'two-leg-distance',
  theme: 'rates',
  unit: (params) => params.unit.long,
  choose(choices, maxQuantity) {
    return {
      phrasing: choices.surface.index(twoLegPhrasings.length),
      person: choices.surface.pick(people),
      unit: choices.surface.pick(distanceUnits),
      speed1: speedChoice(choices, maxQuantity),
      hours1: choices.int(1, Math.min(maxQuantity, 6)),
      speed2: speedChoice(choices, maxQuantity),
      hours2: choices.int(1, Math.min(maxQuantity, 6)),
    };
  },
  question: (params) => phrase(twoLegPhrasings, params),
  steps: [
    twoLegKit.step('x', [twoLegKit.number((p) => p.speed1), twoLegKit.number((p) => p.hours1)], (p, work) => `The first part is ${work} ${p.unit.long}.`),
    twoLegKit.step('x', [twoLegKit.number((p) => p.speed2), twoLegKit.number((p) => p.hours2)], (p, work) => `The second part is ${work} ${p.unit.long}.`),
    twoLegKit.step('+', [0, 1], (p, work) => `Altogether that is ${work} ${p.unit.long}.`, { skipTo: 1 }),
  ],
};

/** Leg durations whose total is 2, 4, 5, 8 or 10 hours, so that any average speed is an exact decimal. */
const legHours: readonly [number, number][] = [2, 4, 5, 8, 10].flatMap((total) =>
  Array.from({ length: total - 1 }, (_, index): [number, number] => [index + 1, total - index - 1]),
);

/** Average speed over two legs: total distance over total time, not the mean of the speeds. */
export interface AverageSpeedParams {
  readonly phrasing: number;
  readonly person: Person;
  readonly unit: DistanceUnit;
  readonly speed1: number;
  readonly speed2: number;
  readonly hours1: number;
  readonly hours2: number;
}

const averageSpeedKit = stepKit<AverageSpeedParams>();
const averageSpeedPhrasings: readonly ((params: AverageSpeedParams) => string)[] = [
  ({ person, unit, speed1, hours1, speed2, hours2 }) =>
    `${person.name} drives ${count(hours1, hour)} at ${speed1} ${unit.rate} and then ${count(hours2, hour)} at ${speed2} ${unit.rate}. What is ${person.possessive} average speed for the whole trip, in ${unit.rate}?`,
  ({ person, unit, speed1, hours1, speed2, hours2 }) =>
    `For the first ${count(hours1, hour)} of a trip ${person.name} averages ${speed1} ${unit.rate}; for the next ${count(hours2, hour)} ${person.subject} averages ${speed2} ${unit.rate}. What is the average speed over the entire trip in ${unit.rate}?`,
  ({ person, unit, speed1, hours1, speed2, hours2 }) =>
    `A trip takes ${person.name} ${count(hours1, hour)} at ${speed1} ${unit.rate} followed by ${count(hours2, hour)} at ${speed2} ${unit.rate}. Find ${person.possessive} overall average speed in ${unit.rate}.`,
];

export const averageSpeed: Scenario<AverageSpeedParams> = {
  id: 'average-speed',
  theme: 'rates',
  unit: (params) => params.unit.rate,
  choose(choices, maxQuantity) {
    const phrasing = choices.surface.index(averageSpeedPhrasings.length);
    const person = choices.surface.pick(people);
    const unit = choices.surface.pick(distanceUnits);
    const speed1 = speedChoice(choices, maxQuantity);
    const speed2 = speedChoice(choices, maxQuantity);
    const [hours1, hours2] = choices.pick(legHours);
    return { phrasing, person, unit, speed1, speed2, hours1, hours2 };
  },
  question: (params) => phrase(averageSpeedPhrasings, params),
  steps: [
    averageSpeedKit.step(
      'x',
      [averageSpeedKit.number((p) => p.speed1), averageSpeedKit.number((p) => p.hours1)],
      (p, work) => `The first part covers ${work} ${p.unit.long}.`,
    ),
    averageSpeedKit.step(
      'x',
      [averageSpeedKit.number((p) => p.speed2), averageSpeedKit.number((p) => p.hours2)],
      (p, work) => `The second part covers ${work} ${p.unit.long}.`,
    ),
    averageSpeedKit.step('+', [0, 1], (p, work) => `The whole trip is ${work} ${p.unit.long}.`, { skipTo: 1 }),
    averageSpeedKit.step('+', [averageSpeedKit.number((p) => p.hours1), averageSpeedKit.number((p) => p.hours2)], (_, work) => `It takes ${work} hours.`),
    averageSpeedKit.step('/', [2, 3], (p, work) => `The average speed is ${work} ${p.unit.rate}.`),
  ],
};

/** A job task counted in units: `pack` `boxes`. */
export interface Task {
  readonly verb: string;
  readonly thing: Noun;
}

/** Two people working together on what is left of a job: the hours needed. */
export interface TogetherParams {
  readonly phrasing: number;
  readonly person: Person;
  readonly partner: Person;
  readonly task: Task;
  readonly rate1: number;
  readonly rate2: number;
  readonly total: number;
  readonly done: number;
}

const togetherKit = stepKit<TogetherParams>();
const togetherTasks: readonly Task[] = [
  { verb: 'pack', thing: noun('box', 'boxes') },
  { verb: 'type', thing: noun('page') },
  { verb: 'fold', thing: noun('shirt') },
  { verb: 'stuff', thing: noun('envelope') },
  { verb: 'frost', thing: noun('cupcake') },
  { verb: 'paint', thing: noun('chair') },
];
const togetherPhrasings: readonly ((params: TogetherParams) => string)[] = [
  ({ person, partner, task, rate1, rate2, total, done }) =>
    `${person.name} can ${task.verb} ${count(rate1, task.thing)} per hour and ${partner.name} can ${task.verb} ${count(rate2, task.thing)} per hour. They must ${task.verb} ${total} ${task.thing.plural} and have already done ${done}. Working together, how many more hours do they need?`,
  ({ person, partner, task, rate1, rate2, total, done }) =>
    `${person.name} and ${partner.name} ${task.verb} ${task.thing.plural} at ${rate1} and ${rate2} per hour. Of the ${total} ${task.thing.plural} they have to ${task.verb}, ${done} are already done. If they work together, how many hours will the rest take?`,
  ({ person, partner, task, rate1, rate2, total, done }) =>
    `There are ${total} ${task.thing.plural} to ${task.verb}, and ${done} are finished. If ${person.name} does ${rate1} per hour and ${partner.name} does ${rate2} per hour, how many hours will they take to finish together?`,
];

export const workTogether: Scenario<TogetherParams> = {
  id: 'work-together',
  theme: 'rates',
  unit: 'hours',
  choose(choices, maxQuantity) {
    const phrasing = choices.surface.index(togetherPhrasings.length);
    const person = choices.surface.pick(people);
    const partner = choices.surface.pickOther(people, person);
    const task = choices.surface.pick(togetherTasks);
    const rate1 = choices.int(1, maxQuantity);
    const rate2 = choices.int(1, maxQuantity);
    const done = choices.int(1, 5 * maxQuantity);
    const hours = choices.int(2, maxQuantity);
    return { phrasing, person, partner, task, rate1, rate2, done, total: done + (rate1 + rate2) * hours };
  },
  question: (params) => phrase(togetherPhrasings, params),
  steps: [
    togetherKit.step(
      '+',
      [togetherKit.number((p) => p.rate1), togetherKit.number((p) => p.rate2)],
      (p, work) => `Together they ${p.task.verb} ${work} ${p.task.thing.plural} per hour.`,
      { skipTo: 0 },
    ),
    togetherKit.step(
      '-',
      [togetherKit.number((p) => p.total), togetherKit.number((p) => p.done)],
      (p, work) => `There are ${work} ${p.task.thing.plural} left.`,
      { skipTo: 0 },
    ),
    togetherKit.step('/', [1, 0], (_, work, result) => `They need ${work} ${agree(result, hour)}.`),
  ],
};

/** A liquid unit: singular and plural. */
const volumeUnits: readonly Noun[] = [noun('liter'), noun('gallon')];

/** Filling a container with a leak: the minutes to fill what is missing at the net rate. */
export interface TankParams {
  readonly phrasing: number;
  readonly person: Person;
  readonly container: string;
  readonly unit: Noun;
  readonly capacity: number;
  readonly start: number;
  readonly inflow: number;
  readonly leak: number;
}

const tankKit = stepKit<TankParams>();
const tankContainers = ['tank', 'pool', 'barrel', 'pond', 'trough'];
const tankPhrasings: readonly ((params: TankParams) => string)[] = [
  ({ person, container, unit, capacity, start, inflow, leak }) =>
    `${person.name}'s ${container} holds ${capacity} ${unit.plural}. It already has ${count(start, unit)} in it. A hose adds ${count(inflow, unit)} per minute, but a leak lets out ${count(leak, unit)} per minute. How many minutes until the ${container} is full?`,
  ({ person, container, unit, capacity, start, inflow, leak }) =>
    `${person.name} is filling ${withArticle(capacity)}-${unit.singular} ${container} that already contains ${count(start, unit)}. Water flows in at ${count(inflow, unit)} a minute and leaks out at ${count(leak, unit)} a minute. How long, in minutes, does filling it take?`,
  ({ person, container, unit, capacity, start, inflow, leak }) =>
    `Water pours into ${person.name}'s ${container} at ${count(inflow, unit)} per minute while ${count(leak, unit)} per minute drain away. The ${container} has ${start} of its ${capacity} ${unit.plural} already. After how many minutes will it be full?`,
];

export const tankFill: Scenario<TankParams> = {
  id: 'tank-fill',
  theme: 'rates',
  unit: 'minutes',
  choose(choices, maxQuantity) {
    const phrasing = choices.surface.index(tankPhrasings.length);
    const person = choices.surface.pick(people);
    const container = choices.surface.pick(tankContainers);
    const unit = choices.surface.pick(volumeUnits);
    const net = choices.int(1, maxQuantity);
    const leak = choices.int(1, maxQuantity);
    const start = choices.int(1, 10 * maxQuantity);
    const minutes = choices.int(2, maxQuantity + 1);
    return { phrasing, person, container, unit, capacity: start + net * minutes, start, inflow: net + leak, leak };
  },
  question: (params) => phrase(tankPhrasings, params),
  steps: [
    tankKit.step(
      '-',
      [tankKit.number((p) => p.capacity), tankKit.number((p) => p.start)],
      (p, work) => `The ${p.container} still needs ${work} ${p.unit.plural}.`,
      { skipTo: 0 },
    ),
    tankKit.step(
      '-',
      [tankKit.number((p) => p.inflow), tankKit.number((p) => p.leak)],
      (p, work) => `The water rises by ${work} ${p.unit.plural} each minute.`,
      { skipTo: 0 },
    ),
    tankKit.step('/', [0, 1], (_, work) => `Filling takes ${work} minutes.`),
  ],
};

/** A machine's output over several days, packed in boxes. */
export interface ProductionParams {
  readonly phrasing: number;
  readonly person: Person;
  readonly product: Noun;
  readonly perHour: number;
  readonly hours: number;
  readonly days: number;
  readonly perBox: number;
}

const productionKit = stepKit<ProductionParams>();
const productionProducts = nouns('widget', 'toy car', 'bottle', 'candle', 'soap bar', 'notebook', 'keychain', 'button');
const productionPhrasings: readonly ((params: ProductionParams) => string)[] = [
  ({ person, product, perHour, hours, days, perBox }) =>
    `At ${person.name}'s workshop, a machine makes ${perHour} ${product.plural} per hour and runs ${hours} hours a day. The ${product.plural} are packed in boxes of ${perBox}. How many boxes are filled in ${days} days?`,
  ({ person, product, perHour, hours, days, perBox }) =>
    `${person.name}'s machine produces ${perHour} ${product.plural} an hour for ${hours} hours each day. Every box holds ${perBox} ${product.plural}. How many full boxes does it make in ${days} days?`,
  ({ person, product, perHour, hours, days, perBox }) =>
    `How many boxes of ${perBox} ${product.plural} can ${person.name} fill in ${days} days if ${person.possessive} machine makes ${perHour} ${product.plural} per hour and runs ${hours} hours a day?`,
];

export const productionBoxes: Scenario<ProductionParams> = {
  id: 'production-boxes',
  theme: 'rates',
  unit: 'boxes',
  choose(choices, maxQuantity) {
    const phrasing = choices.surface.index(productionPhrasings.length);
    const person = choices.surface.pick(people);
    const product = choices.surface.pick(productionProducts);
    const perBox = choices.int(2, 12);
    const boxesPerHour = choices.int(1, maxQuantity);
    const hours = choices.int(2, 12);
    const days = choices.int(2, 7);
    return { phrasing, person, product, perBox, perHour: perBox * boxesPerHour, hours, days };
  },
  question: (params) => phrase(productionPhrasings, params),
  steps: [
    productionKit.step(
      'x',
      [productionKit.number((p) => p.perHour), productionKit.number((p) => p.hours)],
      (p, work) => `Each day the machine makes ${work} ${p.product.plural}.`,
    ),
    productionKit.step('x', [0, productionKit.number((p) => p.days)], (p, work) => `In ${p.days} days it makes ${work} ${p.product.plural}.`, {
      skipTo: 0,
    }),
    productionKit.step('/', [1, productionKit.number((p) => p.perBox)], (_, work) => `That fills ${work} boxes.`),
  ],
};

/** Reading a book at different weekday and weekend paces: whole weeks to finish. */
export interface ReadingParams {
  readonly phrasing: number;
  readonly person: Person;
  readonly book: string;
  readonly weekday: number;
  readonly weekend: number;
  readonly pages: number;
}

const readingKit = stepKit<ReadingParams>();
const readingBooks = ['novel', 'biography', 'textbook', 'mystery book', 'fantasy saga', 'cookbook'];
const readingPhrasings: readonly ((params: ReadingParams) => string)[] = [
  ({ person, weekday, weekend, book, pages }) =>
    `${person.name} reads ${weekday} pages every weekday and ${weekend} pages on each weekend day. ${person.Possessive} ${book} has ${pages} pages. If ${person.subject} starts on a Monday, how many weeks does it take to finish?`,
  ({ person, weekday, weekend, book, pages }) =>
    `A ${book} has ${pages} pages. ${person.name} reads ${weekday} pages a day Monday through Friday and ${weekend} pages a day on Saturday and Sunday. Starting on a Monday, how many weeks will ${person.subject} need?`,
  ({ person, weekday, weekend, book, pages }) =>
    `Reading ${weekday} pages on each of the 5 weekdays and ${weekend} pages on each of the 2 weekend days, how many weeks does ${person.name} need for a ${book} of ${pages} pages, starting on a Monday?`,
];

export const readingWeeks: Scenario<ReadingParams> = {
  id: 'reading-weeks',
  theme: 'rates',
  unit: 'weeks',
  choose(choices, maxQuantity) {
    const phrasing = choices.surface.index(readingPhrasings.length);
    const person = choices.surface.pick(people);
    const book = choices.surface.pick(readingBooks);
    const weekday = choices.int(2, maxQuantity + 1);
    const weekend = choices.int(2, 2 * maxQuantity + 1);
    const weeks = choices.int(2, maxQuantity);
    return { phrasing, person, book, weekday, weekend, pages: weeks * (5 * weekday + 2 * weekend) };
  },
  question: (params) => phrase(readingPhrasings, params),
  steps: [
    readingKit.step('x', [readingKit.constant(5), readingKit.number((p) => p.weekday)], (p, work) => `On weekdays ${p.person.subject} reads ${work} pages.`),
    readingKit.step('x', [readingKit.constant(2), readingKit.number((p) => p.weekend)], (p, work) => `On the weekend ${p.person.subject} reads ${work} pages.`),
    readingKit.step('+', [0, 1], (_, work) => `That is ${work} pages a week.`, { skipTo: 0 }),
    readingKit.step('/', [readingKit.number((p) => p.pages), 2], (_, work) => `It takes ${work} weeks.`),
  ],
};
