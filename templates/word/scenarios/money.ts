import { Rational } from '../../rational.js';
import { type Scenario, phrase, stepKit } from '../scenario.js';
import { dollars } from '../solve.js';
import { type Noun, type Person, agree, capitalize, hour, noun, nouns, people, week, withArticle } from '../words.js';

/** Buying several items and one extra, paying with a larger amount: the change. */
export interface ChangeParams {
  readonly phrasing: number;
  readonly person: Person;
  readonly item: Noun;
  readonly extra: Noun;
  readonly count: number;
  readonly price: number;
  readonly extraPrice: number;
  readonly paid: number;
}

const changeKit = stepKit<ChangeParams>();
const changeItems = nouns('notebook', 'folder', 'sketchbook', 'binder', 'calendar', 'puzzle book', 'comic book');
const changeExtras = [...nouns('pen', 'eraser', 'ruler', 'glue stick', 'bookmark', 'highlighter'), noun('pencil sharpener')];
const changePhrasings: readonly ((params: ChangeParams) => string)[] = [
  ({ person, count, item, price, extra, extraPrice, paid }) =>
    `${person.name} buys ${count} ${item.plural} at ${dollars(price)} each and ${extra.one} for ${dollars(extraPrice)}. ${person.Subject} pays with ${dollars(paid)}. How much change does ${person.subject} get?`,
  ({ person, count, item, price, extra, extraPrice, paid }) =>
    `At the shop, ${person.name} picks ${count} ${item.plural} priced at ${dollars(price)} apiece and one ${extra.singular} that costs ${dollars(extraPrice)}. ${person.Subject} hands over ${dollars(paid)}. How many dollars does ${person.subject} get back?`,
  ({ person, count, item, price, extra, extraPrice, paid }) =>
    `${count} ${item.plural} cost ${dollars(price)} each, and ${extra.one} costs ${dollars(extraPrice)}. ${person.name} buys the ${item.plural} and the ${extra.singular} and pays ${dollars(paid)}. What is ${person.possessive} change in dollars?`,
];

export const change: Scenario<ChangeParams> = {
  id: 'change',
  theme: 'money',
  unit: 'dollars',
  choose(choices, maxQuantity) {
    const phrasing = choices.surface.index(changePhrasings.length);
    const person = choices.surface.pick(people);
    const item = choices.surface.pick(changeItems);
    const extra = choices.surface.pick(changeExtras);
    const count = choices.int(2, maxQuantity);
    const price = choices.int(1, maxQuantity);
    const extraPrice = choices.int(1, maxQuantity);
    const back = choices.int(1, maxQuantity);
    return { phrasing, person, item, extra, count, price, extraPrice, paid: count * price + extraPrice + back };
  },
  question: (params) => phrase(changePhrasings, params),
  steps: [
    changeKit.step('x', [changeKit.number((p) => p.count), changeKit.money((p) => p.price)], (p, work) => `The ${p.item.plural} cost ${work}.`, {
      style: 'money',
    }),
    changeKit.step('+', [0, changeKit.money((p) => p.extraPrice)], (p, work) => `Adding the ${p.extra.singular}, the total is ${work}.`, {
      style: 'money',
      skipTo: 0,
    }),
    changeKit.step('-', [changeKit.money((p) => p.paid), 1], (_, work) => `The change is ${work}.`, { style: 'money', skipTo: 1 }),
  ],
};

/** A percentage off the price of several identical items. */
export interface DiscountParams {
  readonly phrasing: number;
  readonly person: Person;
  readonly item: Noun;
  readonly price: number;
  readonly percent: number;
  readonly count: number;
}

const discountKit = stepKit<DiscountParams>();
const discountItems = [
  ...nouns('jacket', 'backpack', 'lamp', 'helmet', 'umbrella', 'blender', 'sweater', 'toaster', 'kettle'),
  noun('scarf', 'scarves'),
];
const discountPercents = [10, 15, 20, 25, 30, 40, 50];
const discountPhrasings: readonly ((params: DiscountParams) => string)[] = [
  ({ person, item, price, percent, count }) =>
    `${capitalize(item.one)} costs ${dollars(price)}. This week the store takes ${percent}% off. ${person.name} buys ${count} ${item.plural}. How much does ${person.subject} pay?`,
  ({ person, item, price, percent, count }) =>
    `${person.name} wants to buy ${count} ${item.plural}. They are normally ${dollars(price)} each, but there is ${withArticle(percent)}% discount today. How many dollars will ${person.subject} spend?`,
  ({ person, item, price, percent, count }) =>
    `With ${withArticle(percent)}% discount, how much does ${person.name} pay for ${count} ${item.plural} that usually cost ${dollars(price)} each?`,
];

export const discount: Scenario<DiscountParams> = {
  id: 'discount',
  theme: 'money',
  unit: 'dollars',
  choose(choices, maxQuantity) {
    return {
      phrasing: choices.surface.index(discountPhrasings.length),
      person: choices.surface.pick(people),
      item: choices.surface.pick(discountItems),
      price: choices.int(10, 10 * maxQuantity),
      percent: choices.pick(discountPercents),
      count: choices.int(2, Math.min(maxQuantity, 8)),
    };
  },
  question: (params) => phrase(discountPhrasings, params),
  steps: [
    discountKit.step(
      'x',
      [discountKit.money((p) => p.price), discountKit.number((p) => Rational.of(p.percent, 100))],
      (p, work) => `The discount on one ${p.item.singular} is ${work}.`,
      { style: 'money', confusedWith: null },
    ),
    discountKit.step('-', [discountKit.money((p) => p.price), 0], (p, work) => `So one ${p.item.singular} costs ${work} on sale.`, {
      style: 'money',
      skipTo: 0,
    }),
    discountKit.step('x', [discountKit.number((p) => p.count), 1], (p, work) => `For ${p.count} ${p.item.plural}, ${p.person.name} pays ${work}.`, {
      style: 'money',
      skipTo: 1,
    }),
  ],
};

/** A restaurant bill with a percentage tip, split evenly. */
export interface TipParams {
  readonly phrasing: number;
  readonly group: string;
  readonly diners: number;
  readonly meal: number;
  readonly percent: number;
}

const tipKit = stepKit<TipParams>();
const tipGroups = ['friends', 'coworkers', 'cousins', 'teammates', 'classmates'];
const tipPercents = [10, 15, 18, 20, 25];
const tipPhrasings: readonly ((params: TipParams) => string)[] = [
  ({ group, diners, meal, percent }) =>
    `A group of ${diners} ${group} goes out for dinner. Each meal costs ${dollars(meal)}. They leave ${withArticle(percent)}% tip on the total and split the whole bill equally. How much does each person pay?`,
  ({ group, diners, meal, percent }) =>
    `${diners} ${group} order meals at ${dollars(meal)} each. The tip is ${percent}% of the food bill, and everyone pays the same share. How many dollars is each share?`,
  ({ group, diners, meal, percent }) =>
    `Dinner for ${diners} ${group} costs ${dollars(meal)} per meal, plus ${withArticle(percent)}% tip on the total. If they divide the bill evenly, what does each of them pay?`,
];

export const tipSplit: Scenario<TipParams> = {
  id: 'tip-split',
  theme: 'money',
  unit: 'dollars',
  choose(choices, maxQuantity) {
    return {
      phrasing: choices.surface.index(tipPhrasings.length),
      group: choices.surface.pick(tipGroups),
      diners: choices.int(2, Math.min(maxQuantity, 12)),
      meal: choices.int(6, 5 + 2 * maxQuantity),
      percent: choices.pick(tipPercents),
    };
  },
  question: (params) => phrase(tipPhrasings, params),
  steps: [
    tipKit.step('x', [tipKit.number((p) => p.diners), tipKit.money((p) => p.meal)], (_, work) => `The meals cost ${work}.`, { style: 'money' }),
    tipKit.step('x', [0, tipKit.number((p) => Rational.of(p.percent, 100))], (_, work) => `The tip is ${work}.`, {
      style: 'money',
      confusedWith: null,
    }),
    tipKit.step('+', [0, 1], (_, work) => `The bill with the tip is ${work}.`, { style: 'money', skipTo: 0 }),
    tipKit.step('/', [2, tipKit.number((p) => p.diners)], (_, work) => `Each person pays ${work}.`, { style: 'money', skipTo: 0 }),
  ],
};

/** Weeks of saving (earnings minus spending) to reach a price from what is already saved. */
export interface SavingsParams {
  readonly phrasing: number;
  readonly person: Person;
  readonly thing: Noun;
  readonly job: string;
  readonly saved: number;
  readonly earned: number;
  readonly spent: number;
  readonly cost: number;
}

const savingsKit = stepKit<SavingsParams>();
const savingsThings = nouns('bike', 'guitar', 'tablet', 'skateboard', 'telescope', 'keyboard', 'camera', 'scooter', 'tent', 'drone');
const savingsJobs = ['walking dogs', 'babysitting', 'mowing lawns', 'delivering newspapers'];
const savingsPhrasings: readonly ((params: SavingsParams) => string)[] = [
  ({ person, thing, cost, saved, earned, spent, job }) =>
    `${person.name} wants ${thing.one} that costs ${dollars(cost)}. ${person.Subject} has already saved ${dollars(saved)}. Each week ${person.subject} earns ${dollars(earned)} ${job} and spends ${dollars(spent)} of it. How many weeks will it take ${person.object} to save enough?`,
  ({ person, thing, cost, saved, earned, spent, job }) =>
    `${capitalize(thing.one)} costs ${dollars(cost)}, and ${person.name} has ${dollars(saved)} in ${person.possessive} piggy bank. ${person.Subject} makes ${dollars(earned)} every week ${job} but spends ${dollars(spent)} a week on snacks. After how many weeks can ${person.subject} buy the ${thing.singular}?`,
  ({ person, thing, cost, saved, earned, spent, job }) =>
    `${person.name} is saving for ${thing.one} priced at ${dollars(cost)}. ${person.Subject} starts with ${dollars(saved)}, earns ${dollars(earned)} per week ${job}, and spends ${dollars(spent)} per week. How many weeks until ${person.subject} has exactly enough?`,
];

export const savingsGoal: Scenario<SavingsParams> = {
  id: 'savings-goal',
  theme: 'money',
  unit: 'weeks',
  choose(choices, maxQuantity) {
    const phrasing = choices.surface.index(savingsPhrasings.length);
    const person = choices.surface.pick(people);
    const thing = choices.surface.pick(savingsThings);
    const job = choices.surface.pick(savingsJobs);
    const saved = choices.int(1, 5 * maxQuantity);
    const spent = choices.int(1, maxQuantity);
    const perWeek = choices.int(1, maxQuantity);
    const weeks = choices.int(2, maxQuantity);
    return { phrasing, person, thing, job, saved, spent, earned: spent + perWeek, cost: saved + perWeek * weeks };
  },
  question: (params) => phrase(savingsPhrasings, params),
  steps: [
    savingsKit.step('-', [savingsKit.money((p) => p.cost), savingsKit.money((p) => p.saved)], (p, work) => `${p.person.name} still needs ${work}.`, {
      style: 'money',
      skipTo: 0,
    }),
    savingsKit.step('-', [savingsKit.money((p) => p.earned), savingsKit.money((p) => p.spent)], (p, work) => `Each week ${p.person.subject} saves ${work}.`, {
      style: 'money',
      skipTo: 0,
    }),
    savingsKit.step('/', [0, 1], (_, work, result) => `It takes ${work} ${agree(result, week)}.`),
  ],
};

/** Buying in packs instead of singly: the saving over several packs. */
export interface BulkParams {
  readonly phrasing: number;
  readonly person: Person;
  readonly item: Noun;
  readonly single: number;
  readonly size: number;
  readonly pack: number;
  readonly packs: number;
}

const bulkKit = stepKit<BulkParams>();
const bulkItems = [
  ...nouns('juice box', 'granola bar', 'tennis ball', 'pencil', 'yogurt cup', 'light bulb', 'candle', 'sponge'),
  noun('battery', 'batteries'),
];
const bulkPhrasings: readonly ((params: BulkParams) => string)[] = [
  ({ person, item, single, size, pack, packs }) =>
    `A single ${item.singular} costs ${dollars(single)}, and a pack of ${size} ${item.plural} costs ${dollars(pack)}. ${person.name} buys ${packs} packs instead of buying the ${item.plural} one at a time. How much money does ${person.subject} save?`,
  ({ person, item, single, size, pack, packs }) =>
    `${person.name} needs ${packs} packs' worth of ${item.plural}. Loose ${item.plural} are ${dollars(single)} each; a pack of ${size} is ${dollars(pack)}. How many dollars does ${person.subject} save by buying the packs?`,
  ({ person, item, single, size, pack, packs }) =>
    `The shop sells ${item.plural} for ${dollars(single)} each or in packs of ${size} for ${dollars(pack)}. How much does ${person.name} save by buying ${packs} packs rather than the same number of single ${item.plural}?`,
];

export const bulkSaving: Scenario<BulkParams> = {
  id: 'bulk-saving',
  theme: 'money',
  unit: 'dollars',
  choose(choices, maxQuantity) {
    const phrasing = choices.surface.index(bulkPhrasings.length);
    const person = choices.surface.pick(people);
    const item = choices.surface.pick(bulkItems);
    const single = choices.int(2, maxQuantity + 1);
    const size = choices.int(3, maxQuantity + 2);
    // size * single >= 6, so a saving of at most 5 leaves a positive pack price.
    const saving = choices.int(1, 5);
    const packs = choices.int(2, maxQuantity);
    return { phrasing, person, item, single, size, pack: size * single - saving, packs };
  },
  question: (params) => phrase(bulkPhrasings, params),
  steps: [
    bulkKit.step('x', [bulkKit.number((p) => p.size), bulkKit.money((p) => p.single)], (p, work) => `${p.size} single ${p.item.plural} cost ${work}.`, {
      style: 'money',
    }),
    bulkKit.step('-', [0, bulkKit.money((p) => p.pack)], (_, work) => `Each pack saves ${work}.`, { style: 'money' }),
    bulkKit.step('x', [bulkKit.number((p) => p.packs), 1], (p, work) => `Over ${p.packs} packs, ${p.person.subject} saves ${work}.`, {
      style: 'money',
      skipTo: 1,
    }),
  ],
};

/** Spending a fraction of some money and then a fixed amount: what is left. */
export interface AllowanceParams {
  readonly phrasing: number;
  readonly person: Person;
  readonly big: string;
  readonly small: string;
  readonly parts: number;
  readonly money: number;
  readonly spent: number;
}

const allowanceKit = stepKit<AllowanceParams>();
const allowanceBig = ['clothes', 'books', 'a video game', 'art supplies', 'concert tickets', 'shoes'];
const allowanceSmall = ['lunch', 'a snack', 'bus fare', 'a magazine', 'stickers', 'a smoothie'];
const fractionWords: Record<number, string> = { 2: 'half', 3: 'a third', 4: 'a quarter', 5: 'a fifth' };
const allowancePhrasings: readonly ((params: AllowanceParams) => string)[] = [
  ({ person, money, parts, big, spent, small }) =>
    `${person.name} has ${dollars(money)}. ${person.Subject} spends ${fractionWords[parts]} of it on ${big} and then ${dollars(spent)} on ${small}. How much money does ${person.subject} have left?`,
  ({ person, money, parts, big, spent, small }) =>
    `${person.name} gets ${dollars(money)} for ${person.possessive} birthday. ${capitalize(fractionWords[parts] as string)} of the money goes to ${big}, and ${dollars(spent)} goes to ${small}. How many dollars remain?`,
  ({ person, money, parts, big, spent, small }) =>
    `After spending ${fractionWords[parts]} of ${dollars(money)} on ${big} and another ${dollars(spent)} on ${small}, how much does ${person.name} have left?`,
];

export const allowanceLeft: Scenario<AllowanceParams> = {
  id: 'allowance-left',
  theme: 'money',
  unit: 'dollars',
  choose(choices, maxQuantity) {
    const phrasing = choices.surface.index(allowancePhrasings.length);
    const person = choices.surface.pick(people);
    const big = choices.surface.pick(allowanceBig);
    const small = choices.surface.pick(allowanceSmall);
    const parts = choices.int(2, 5);
    // A part of more than maxQuantity leaves more than the second purchase costs.
    const part = choices.int(maxQuantity + 1, 2 * maxQuantity);
    const spent = choices.int(1, maxQuantity);
    return { phrasing, person, big, small, parts, money: parts * part, spent };
  },
  question: (params) => phrase(allowancePhrasings, params),
  steps: [
    allowanceKit.step(
      '/',
      [allowanceKit.money((p) => p.money), allowanceKit.number((p) => p.parts)],
      (p, work) => `${capitalize(fractionWords[p.parts] as string)} of ${dollars(p.money)} is ${work}.`,
      { style: 'money' },
    ),
    allowanceKit.step('+', [0, allowanceKit.money((p) => p.spent)], (p, work) => `Together ${p.person.subject} spends ${work}.`, {
      style: 'money',
      skipTo: 0,
    }),
    allowanceKit.step('-', [allowanceKit.money((p) => p.money), 1], (p, work) => `${p.person.Subject} has ${work} left.`, {
      style: 'money',
      skipTo: 1,
    }),
  ],
};

/** Buying items and reselling them at a higher price: the profit. */
export interface ProfitParams {
  readonly phrasing: number;
  readonly person: Person;
  readonly item: Noun;
  readonly count: number;
  readonly cost: number;
  readonly price: number;
}

const profitKit = stepKit<ProfitParams>();
const profitItems = nouns('T-shirt', 'plant', 'mug', 'bracelet', 'poster', 'hat', 'phone case', 'bird feeder', 'wooden toy', 'tote bag');
const profitPhrasings: readonly ((params: ProfitParams) => string)[] = [
  ({ person, count, item, cost, price }) =>
    `${person.name} buys ${count} ${item.plural} for ${dollars(cost)} each and sells every one of them for ${dollars(price)}. How much profit does ${person.subject} make?`,
  ({ person, count, item, cost, price }) =>
    `${person.name} runs a market stall. ${person.Subject} pays ${dollars(cost)} apiece for ${count} ${item.plural} and sells them all at ${dollars(price)} each. What is ${person.possessive} profit in dollars?`,
  ({ person, count, item, cost, price }) =>
    `If ${person.name} resells ${count} ${item.plural} at ${dollars(price)} each after buying them at ${dollars(cost)} each, how much money does ${person.subject} gain?`,
];

export const profit: Scenario<ProfitParams> = {
  id: 'profit',
  theme: 'money',
  unit: 'dollars',
  choose(choices, maxQuantity) {
    const phrasing = choices.surface.index(profitPhrasings.length);
    const person = choices.surface.pick(people);
    const item = choices.surface.pick(profitItems);
    const count = choices.int(2, maxQuantity);
    const cost = choices.int(1, maxQuantity);
    const markup = choices.int(1, maxQuantity);
    return { phrasing, person, item, count, cost, price: cost + markup };
  },
  question: (params) => phrase(profitPhrasings, params),
  steps: [
    profitKit.step('x', [profitKit.number((p) => p.count), profitKit.money((p) => p.cost)], (_, work) => `Buying them costs ${work}.`, {
      style: 'money',
    }),
    profitKit.step('x', [profitKit.number((p) => p.count), profitKit.money((p) => p.price)], (_, work) => `Selling them brings in ${work}.`, {
      style: 'money',
    }),
    profitKit.step('-', [1, 0], (_, work) => `The profit is ${work}.`, { style: 'money', skipTo: 0 }),
  ],
};

/** A week's pay with overtime at 1.5 times the rate beyond 40 hours. */
export interface OvertimeParams {
  readonly phrasing: number;
  readonly person: Person;
  readonly job: string;
  readonly rate: number;
  readonly hours: number;
}

const overtimeKit = stepKit<OvertimeParams>();
const overtimeJobs = ['at a warehouse', 'at a cafe', 'at a hospital', 'at a call center', 'at a factory', 'on a farm'];
const overtimePhrasings: readonly ((params: OvertimeParams) => string)[] = [
  ({ person, job, rate, hours }) =>
    `${person.name} works ${job} and earns ${dollars(rate)} an hour. Any hours over 40 in a week are paid at 1.5 times the normal rate. This week ${person.subject} worked ${hours} hours. How much did ${person.subject} earn?`,
  ({ person, job, rate, hours }) =>
    `${person.name} is paid ${dollars(rate)} per hour ${job}, with time and a half (1.5 times the rate) for every hour beyond 40 a week. How many dollars does ${person.subject} make in a week of ${hours} hours?`,
  ({ person, job, rate, hours }) =>
    `${person.name} has a job ${job} that pays ${dollars(rate)} per hour for the first 40 hours of a week and 1.5 times that for each extra hour. What does ${person.subject} earn for working ${hours} hours?`,
];

export const overtime: Scenario<OvertimeParams> = {
  id: 'overtime',
  theme: 'money',
  unit: 'dollars',
  choose(choices, maxQuantity) {
    return {
      phrasing: choices.surface.index(overtimePhrasings.length),
      person: choices.surface.pick(people),
      job: choices.surface.pick(overtimeJobs),
      rate: choices.int(10, 9 + maxQuantity),
      hours: 40 + choices.int(1, Math.min(maxQuantity, 20)),
    };
  },
  question: (params) => phrase(overtimePhrasings, params),
  steps: [
    overtimeKit.step('x', [overtimeKit.constant(40), overtimeKit.money((p) => p.rate)], (_, work) => `The first 40 hours pay ${work}.`, {
      style: 'money',
    }),
    overtimeKit.step('-', [overtimeKit.number((p) => p.hours), overtimeKit.constant(40)], (p, work, result) => `${p.person.Subject} worked ${work} overtime ${agree(result, hour)}.`, {
      skipTo: 0,
    }),
    overtimeKit.step('x', [overtimeKit.money((p) => p.rate), overtimeKit.constant(1.5)], (_, work) => `The overtime rate is ${work} per hour.`, {
      style: 'money',
      skipTo: 0,
    }),
    overtimeKit.step('x', [1, 2], (_, work) => `Overtime pays ${work}.`, { style: 'money' }),
    overtimeKit.step('+', [0, 3], (p, work) => `In total ${p.person.subject} earns ${work}.`, { style: 'money', skipTo: 0 }),
  ],
};

/** Fuel for a trip: liters from distance and consumption, then their price. */
export interface FuelParams {
  readonly phrasing: number;
  readonly person: Person;
  readonly distance: number;
  readonly perLiter: number;
  readonly price: Rational;
}

const fuelKit = stepKit<FuelParams>();
const fuelPhrasings: readonly ((params: FuelParams) => string)[] = [
  ({ person, distance, perLiter, price }) =>
    `${person.name}'s car goes ${perLiter} kilometers on one liter of fuel. Fuel costs ${dollars(price)} per liter. How much does fuel cost for ${withArticle(distance)}-kilometer trip?`,
  ({ person, distance, perLiter, price }) =>
    `${capitalize(withArticle(distance))}-kilometer drive in ${person.name}'s car, which travels ${perLiter} kilometers per liter, uses fuel priced at ${dollars(price)} a liter. What is the fuel cost in dollars?`,
  ({ person, distance, perLiter, price }) =>
    `How many dollars does ${person.name} spend on fuel to drive ${distance} kilometers if the car does ${perLiter} kilometers per liter and a liter costs ${dollars(price)}?`,
];

export const fuelCost: Scenario<FuelParams> = {
  id: 'fuel-cost',
  theme: 'money',
  unit: 'dollars',
  choose(choices, maxQuantity) {
    const phrasing = choices.surface.index(fuelPhrasings.length);
    const person = choices.surface.pick(people);
    const perLiter = choices.int(5, 20);
    const liters = choices.int(2, 2 * maxQuantity);
    const price = Rational.of(100 + 5 * choices.int(0, 19), 100);
    return { phrasing, person, distance: perLiter * liters, perLiter, price };
  },
  question: (params) => phrase(fuelPhrasings, params),
  steps: [
    fuelKit.step('/', [fuelKit.number((p) => p.distance), fuelKit.number((p) => p.perLiter)], (_, work) => `The trip uses ${work} liters.`),
    fuelKit.step('x', [0, fuelKit.money((p) => p.price)], (_, work) => `The fuel costs ${work}.`, { style: 'money' }),
  ],
};
