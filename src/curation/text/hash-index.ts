/**
 * A map from 64-bit keys (two 32-bit lanes) to non-negative 32-bit integers, in typed arrays: open addressing with
 * linear probing, about 12 bytes a slot at a load of at most one half. Used where millions of hashed keys must fit in
 * little memory (JavaScript Maps of numbers cost several times as much).
 */
export class HashIndex64 {
  #mask: number;
  #low: Uint32Array;
  #high: Uint32Array;
  #values: Int32Array;
  #size = 0;

  constructor(initialCapacity = 1024) {
    let capacity = 16;
    while (capacity < initialCapacity * 2) capacity *= 2;
    this.#mask = capacity - 1;
    this.#low = new Uint32Array(capacity);
    this.#high = new Uint32Array(capacity);
    this.#values = new Int32Array(capacity).fill(-1);
  }

  /** Number of keys stored. */
  get size(): number {
    return this.#size;
  }

  /** Bytes held by the table's arrays. */
  get bytes(): number {
    return this.#values.length * 12;
  }

  #slot(low: number, high: number): number {
    let slot = (Math.imul(low ^ Math.imul(high, 0x9e3779b1), 0x85ebca6b) >>> 7) & this.#mask;
    while (this.#values[slot] !== -1 && (this.#low[slot] !== low || this.#high[slot] !== high)) slot = (slot + 1) & this.#mask;
    return slot;
  }

  /** The value stored for the key, or -1. */
  get(low: number, high: number): number {
    return this.#values[this.#slot(low >>> 0, high >>> 0)]!;
  }

  /** Stores `value` (>= 0) for the key, replacing any previous one. */
  set(low: number, high: number, value: number): void {
    if (value < 0) throw new Error('HashIndex64 values must be non-negative');
    if ((this.#size + 1) * 2 > this.#values.length) this.#grow();
    const slot = this.#slot(low >>> 0, high >>> 0);
    if (this.#values[slot] === -1) {
      this.#size += 1;
      this.#low[slot] = low >>> 0;
      this.#high[slot] = high >>> 0;
    }
    this.#values[slot] = value;
  }

  #grow(): void {
    const low = this.#low;
    const high = this.#high;
    const values = this.#values;
    const capacity = values.length * 2;
    this.#mask = capacity - 1;
    this.#low = new Uint32Array(capacity);
    this.#high = new Uint32Array(capacity);
    this.#values = new Int32Array(capacity).fill(-1);
    for (let slot = 0; slot < values.length; slot += 1) {
      if (values[slot] === -1) continue;
      const target = this.#slot(low[slot]!, high[slot]!);
      this.#low[target] = low[slot]!;
      this.#high[target] = high[slot]!;
      this.#values[target] = values[slot]!;
    }
  }
}

/**
 * A map from 32-bit keys to non-negative 32-bit integers in typed arrays (8 bytes a slot, load at most one half), for
 * keys whose rare collisions are harmless, such as LSH buckets whose members are compared anyway.
 */
export class HashIndex32 {
  #mask: number;
  #keys: Uint32Array;
  #values: Int32Array;
  #size = 0;

  constructor(initialCapacity = 1024) {
    let capacity = 16;
    while (capacity < initialCapacity * 2) capacity *= 2;
    this.#mask = capacity - 1;
    this.#keys = new Uint32Array(capacity);
    this.#values = new Int32Array(capacity).fill(-1);
  }

  /** Number of keys stored. */
  get size(): number {
    return this.#size;
  }

  /** Bytes held by the table's arrays. */
  get bytes(): number {
    return this.#values.length * 8;
  }

  #slot(key: number): number {
    let slot = (Math.imul(key, 0x9e3779b1) >>> 7) & this.#mask;
    while (this.#values[slot] !== -1 && this.#keys[slot] !== key) slot = (slot + 1) & this.#mask;
    return slot;
  }

  /** The value stored for the key, or -1. */
  get(key: number): number {
    return this.#values[this.#slot(key >>> 0)]!;
  }

  /** Stores `value` (>= 0) for the key, replacing any previous one. */
  set(key: number, value: number): void {
    if (value < 0) throw new Error('HashIndex32 values must be non-negative');
    if ((this.#size + 1) * 2 > this.#values.length) this.#grow();
    const slot = this.#slot(key >>> 0);
    if (this.#values[slot] === -1) {
      this.#size += 1;
      this.#keys[slot] = key >>> 0;
    }
    this.#values[slot] = value;
  }

  #grow(): void {
    const keys = this.#keys;
    const values = this.#values;
    const capacity = values.length * 2;
    this.#mask = capacity - 1;
    this.#keys = new Uint32Array(capacity);
    this.#values = new Int32Array(capacity).fill(-1);
    for (let slot = 0; slot < values.length; slot += 1) {
      if (values[slot] === -1) continue;
      const target = this.#slot(keys[slot]!);
      this.#keys[target] = keys[slot]!;
      this.#values[target] = values[slot]!;
    }
  }
}
