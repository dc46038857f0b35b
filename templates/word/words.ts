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

/**
 * The indefinite article for a number as it is read aloud: `an` before eight, eleven, eighteen, eighty-something and
 * eight hundred (also as thousands: an 18,000), `a` otherwise. Accepts `18`, `8.5` or `$80`.
 */
export function articleFor(value: number | string): 'a' | 'an' {
  const digits = /\d+/.exec(String(value))?.[0] ?? '';
  const lead = Number(digits.slice(0, digits.length % 3 || 3));
  if (lead >= 100) return Math.floor(lead / 100) === 8 ? 'an' : 'a';
  if (lead >= 10) return lead === 11 || lead === 18 || Math.floor(lead / 10) === 8 ? 'an' : 'a';
  return lead === 8 ? 'an' : 'a';
}

/** A number with its article: `a 12`, `an 18`, `an 8.5`. */
export function withArticle(value: number | string): string {
  return `${articleFor(value)} ${value}`;
}
