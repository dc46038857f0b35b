type TypedArray = Int32Array | Uint32Array | Uint16Array | Uint8Array | Float32Array;

/** `array` if it holds at least `length` elements, else a copy twice as long (or `length`, if larger). */
export function ensureLength<T extends TypedArray>(array: T, length: number): T {
  if (array.length >= length) return array;
  const grown = new (array.constructor as new (length: number) => T)(Math.max(length, array.length * 2));
  grown.set(array as never);
  return grown;
}
