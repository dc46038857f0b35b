import type { Rational } from '../rational.js';

/** A person in a story, with the pronouns the sentences need. */
export interface Person {
  readonly name: string;
  readonly subject: string;
  readonly Subject: string;
  readonly object: string;
  readonly possessive: string;
  readonly Possessive: string;
}

function woman(name: string): Person {
  return { name, subject: 'she', Subject: 'She', object: 'her', possessive: 'her', Possessive: 'Her' };
}

function man(name: string): Person {
  return { name, subject: 'he', Subject: 'He', object: 'him', possessive: 'his', Possessive: 'His' };
}

/** The names stories draw from; all distinct, so the name always shows which choice was made. */
export const people: readonly Person[] = [
  ...['Maya', 'Ava', 'Lena', 'Sofia', 'Nora', 'Chloe', 'Emma', 'Zoe', 'Priya', 'Aisha'].map(woman),
  ...['Mei', 'Hana', 'Rosa', 'Julia', 'Grace', 'Leah', 'Ines', 'Yara', 'Olivia', 'Fatima'].map(woman),
  ...['Liam', 'Noah', 'Omar', 'Ethan', 'Lucas', 'Mateo', 'Ravi', 'Kenji', 'Diego', 'Sam'].map(man),
  ...['Theo', 'Ben', 'Jamal', 'Felix', 'Hugo', 'Arjun', 'Tomas', 'Leo', 'Isaac', 'Kwame'].map(man),
];

/** A countable thing: `notebook`, `notebooks`, `a notebook`. */
export interface Noun {
  readonly singular: string;
  readonly plural: string;
  /** With its indefinite article: `a notebook`, `an eraser`. */
  readonly one: string;
}

/** A noun; the plural defaults to singular + s and the article to a/an by the first letter. */
export function noun(singular: string, plural = `${singular}s`): Noun {
  return { singular, plural, one: `${/^[aeiou]/.test(singular) ? 'an' : 'a'} ${singular}` };
}

/** Nouns from their singular forms, each with the regular plural. */
export function nouns(...singulars: string[]): Noun[] {
  return singulars.map((singular) => noun(singular));
}

/** `1 hour`, `3 hours`. */
export function count(amount: number, thing: Noun): string {
  return `${amount} ${amount === 1 ? thing.singular : thing.plural}`;
}

/** The noun that agrees with a computed amount: `hour` after 1, `hours` otherwise. */
export function agree(amount: Rational, thing: Noun): string {
  return amount.num === 1 && amount.den === 1 ? thing.singular : thing.plural;
}

/** The sentence-initial form: `an umbrella` -> `An umbrella`. */
export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export const hour = noun('hour');
export const minute = noun('minute');
export const week = noun('week');
export const year = noun('year');
export const foot = noun('foot', 'feet');
export const liter = noun('liter');
export const kilogram = noun('kilogram');
