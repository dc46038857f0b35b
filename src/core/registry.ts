import { UnknownNameError } from './errors.js';

/** A name-keyed lookup shared by verifiers, templates, sandboxes and exporters. */
export interface Registry<Item extends { readonly name: string }> {
  readonly kind: string;
  get(name: string): Item;
  has(name: string): boolean;
  names(): string[];
  list(): Item[];
}

/** Builds a registry; refuses duplicate names so that one name always means one thing. */
export function createRegistry<Item extends { readonly name: string }>(
  kind: string,
  items: readonly Item[],
): Registry<Item> {
  const byName = new Map<string, Item>();
  for (const item of items) {
    if (byName.has(item.name)) throw new Error(`duplicate ${kind} name "${item.name}"`);
    byName.set(item.name, item);
  }
  return {
    kind,
    get(name) {
      const item = byName.get(name);
      if (!item) throw new UnknownNameError(kind, name, [...byName.keys()]);
      return item;
    },
    has: (name) => byName.has(name),
    names: () => [...byName.keys()],
    list: () => [...byName.values()],
  };
}
