import { type Scenario, phrase, stepKit } from '../scenario.js';
import { type Noun, type Person, agree, hour, noun, people, withArticle } from '../words.js';

/** Departures every few minutes between two whole hours, both ends included: the number of departures. */
export interface DeparturesParams {
  readonly phrasing: number;
  readonly person: Person;
  readonly vehicle: Noun;
  /** Where the vehicle leaves from: a ferry leaves the pier, not the station. */
  readonly terminal: string;
  readonly first: number;
  readonly last: number;
  readonly every: number;
}

const departuresKit = stepKit<DeparturesParams>();
const departureVehicles: readonly { readonly vehicle: Noun; readonly terminal: string }[] = [
  { vehicle: noun('bus', 'buses'), terminal: 'the bus station' },
  { vehicle: noun('train'), terminal: 'the station' },
  { vehicle: noun('ferry', 'ferries'), terminal: 'the pier' },
  { vehicle: noun('shuttle'), terminal: 'the airport terminal' },
  { vehicle: noun('tram'), terminal: 'the tram stop' },
];
const departureGaps = [5, 10, 12, 15, 20, 30];
const departuresPhrasings: readonly ((params: DeparturesParams) => string)[] = [
  ({ person, vehicle, terminal, first, last, every }) =>
    `The first ${vehicle.singular} leaves ${terminal} at ${first}:00 AM, and after that one leaves every ${every} minutes. The last ${vehicle.singular} of the morning leaves at ${last}:00 AM. ${person.name} counts the departures. How many ${vehicle.plural} leave in all?`,
  ({ person, vehicle, first, last, every }) =>
    `${person.name} checks the timetable: ${vehicle.plural} depart every ${every} minutes from ${first}:00 AM until ${last}:00 AM, including both of those times. How many ${vehicle.plural} depart?`,
  ({ person, vehicle, first, last, every }) =>
    `From ${first}:00 AM to ${last}:00 AM ${vehicle.one} leaves every ${every} minutes, with one at each of those two times. How many ${vehicle.plural} does ${person.name} see leave?`,
];

export const departures: Scenario<DeparturesParams> = {
  id: 'departures',
  theme: 'time',
  unit: 'departures',
  choose(choices) {
    const phrasing = choices.surface.index(departuresPhrasings.length);
    const person = choices.surface.pick(people);
    const { vehicle, terminal } = choices.surface.pick(departureVehicles);
    const first = choices.int(5, 8);
    const last = first + choices.int(1, 3);
    const every = choices.pick(departureGaps);
    return { phrasing, person, vehicle, terminal, first, last, every };
  },
  question: (params) => phrase(departuresPhrasings, params),
  steps: [
    departuresKit.step(
      '-',
      [departuresKit.number((p) => p.last), departuresKit.number((p) => p.first)],
      (p, work, result) => `The ${p.vehicle.plural} run for ${work} ${agree(result, hour)}.`,
    ),
    departuresKit.step('x', [0, departuresKit.constant(60, 100)], (_, work) => `That is ${work} minutes.`),
    departuresKit.step('/', [1, departuresKit.number((p) => p.every)], (_, work) => `There are ${work} gaps between departures.`),
    departuresKit.step('+', [2, departuresKit.constant(1)], (p, work) => `Counting the first one too, ${work} ${p.vehicle.plural} leave.`, {
      skipTo: 0,
    }),
  ],
};

/** Daily minutes on weekdays and weekend days: hours per week. */
export interface WeeklyHoursParams {
  readonly phrasing: number;
  readonly person: Person;
  readonly activity: string;
  readonly weekday: number;
  readonly weekend: number;
}

const weeklyKit = stepKit<WeeklyHoursParams>();
const weeklyActivities = ['studies', 'practices the piano', 'reads', 'exercises', 'practices drawing'];
const weeklyPhrasings: readonly ((params: WeeklyHoursParams) => string)[] = [
  ({ person, activity, weekday, weekend }) =>
    `${person.name} ${activity} for ${weekday} minutes on each weekday and ${weekend} minutes on each day of the weekend. How many hours does ${person.subject} spend on it in one week?`,
  ({ person, activity, weekday, weekend }) =>
    `Every Monday through Friday ${person.name} ${activity} for ${weekday} minutes, and on Saturday and Sunday ${person.subject} does it for ${weekend} minutes each day. How many hours is that per week?`,
  ({ person, activity, weekday, weekend }) =>
    `How many hours a week does ${person.name} spend if ${person.subject} ${activity} ${weekday} minutes a day on the 5 weekdays and ${weekend} minutes a day on the 2 weekend days?`,
];

export const weeklyHours: Scenario<WeeklyHoursParams> = {
  id: 'weekly-hours',
  theme: 'time',
  unit: 'hours',
  choose(choices, maxQuantity) {
    // Multiples of 15 minutes make the weekly total a whole number of quarter hours.
    return {
      phrasing: choices.surface.index(weeklyPhrasings.length),
      person: choices.surface.pick(people),
      activity: choices.surface.pick(weeklyActivities),
      weekday: 15 * choices.int(1, Math.min(maxQuantity, 12)),
      weekend: 15 * choices.int(1, Math.min(maxQuantity, 12)),
    };
  },
  question: (params) => phrase(weeklyPhrasings, params),
  steps: [
    weeklyKit.step('x', [weeklyKit.constant(5), weeklyKit.number((p) => p.weekday)], (_, work) => `The weekdays add up to ${work} minutes.`),
    weeklyKit.step('x', [weeklyKit.constant(2), weeklyKit.number((p) => p.weekend)], (_, work) => `The weekend adds ${work} minutes.`),
    weeklyKit.step('+', [0, 1], (_, work) => `The week totals ${work} minutes.`, { skipTo: 0 }),
    weeklyKit.step('/', [2, weeklyKit.constant(60, 100)], (_, work, result) => `That is ${work} ${agree(result, hour)}.`),
  ],
};

/** A kind of event made of sessions: `movie marathon` of `movies`. */
export interface EventKind {
  readonly event: string;
  readonly session: Noun;
}

/** Sessions back to back with breaks only between them: the event's length. */
export interface EventParams {
  readonly phrasing: number;
  readonly person: Person;
  readonly kind: EventKind;
  readonly sessions: number;
  readonly length: number;
  readonly pause: number;
}

const eventKit = stepKit<EventParams>();
/** Kinds of event with the session lengths, in minutes, they plausibly have; together they cover 10 to 210 minutes. */
const eventKinds: readonly (EventKind & { readonly minutes: readonly [number, number] })[] = [
  { event: 'movie marathon', session: noun('movie'), minutes: [75, 210] },
  { event: 'conference', session: noun('talk'), minutes: [10, 60] },
  { event: 'chess tournament', session: noun('round'), minutes: [10, 210] },
  { event: 'workshop', session: noun('class', 'classes'), minutes: [30, 180] },
  { event: 'concert', session: noun('set'), minutes: [15, 90] },
];
const eventPhrasings: readonly ((params: EventParams) => string)[] = [
  ({ person, kind, sessions, length, pause }) =>
    `${person.name} plans a ${kind.event} with ${sessions} ${kind.session.plural} of ${length} minutes each and ${withArticle(pause)}-minute break between one ${kind.session.singular} and the next. How many minutes does the whole ${kind.event} last?`,
  ({ person, kind, sessions, length, pause }) =>
    `At ${person.name}'s ${kind.event} there are ${sessions} ${kind.session.plural}, each ${length} minutes long, with ${pause} minutes of break between consecutive ${kind.session.plural}. How long is it from the start of the first ${kind.session.singular} to the end of the last, in minutes?`,
  ({ person, kind, sessions, length, pause }) =>
    `${sessions} ${kind.session.plural} of ${length} minutes each are scheduled at ${person.name}'s ${kind.event}, separated by ${pause}-minute breaks. What is the total length in minutes?`,
];

export const eventLength: Scenario<EventParams> = {
  id: 'event-length',
  theme: 'time',
  unit: 'minutes',
  choose(choices, maxQuantity) {
    const phrasing = choices.surface.index(eventPhrasings.length);
    const person = choices.surface.pick(people);
    const sessions = choices.int(2, 6);
    const length = choices.int(10, 9 + 2 * maxQuantity);
    const pause = choices.int(5, 4 + maxQuantity);
    // Only an event whose sessions can last that long: no 32-minute movies.
    const kind = choices.surface.pick(eventKinds.filter(({ minutes: [low, high] }) => low <= length && length <= high));
    return { phrasing, person, kind, sessions, length, pause };
  },
  question: (params) => phrase(eventPhrasings, params),
  steps: [
    eventKit.step('x', [eventKit.number((p) => p.sessions), eventKit.number((p) => p.length)], (p, work) => `The ${p.kind.session.plural} take ${work} minutes.`),
    eventKit.step('-', [eventKit.number((p) => p.sessions), eventKit.constant(1)], (_, work) => `The number of breaks is ${work}.`, {
      skipTo: 0,
    }),
    eventKit.step('x', [1, eventKit.number((p) => p.pause)], (_, work) => `The breaks take ${work} minutes.`),
    eventKit.step('+', [0, 2], (p, work) => `The ${p.kind.event} lasts ${work} minutes.`, { skipTo: 0 }),
  ],
};
