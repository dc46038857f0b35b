import { createHash } from 'node:crypto';

/** Murmur3's 32-bit finaliser: a bijection on u32 that spreads every input bit over the output. */
export function mix32(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A fast, well-mixed 32-bit hash of a string's UTF-16 code units (not cryptographic). */
export function hashString32(text: string, seed = 0): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  for (let i = 0; i < text.length; i += 1) {
    h = Math.imul(h ^ text.charCodeAt(i), 0x5bd1e995);
    h ^= h >>> 15;
  }
  return mix32(h ^ text.length);
}

/** A stable content id: the first 16 hex digits of SHA-256 over the parts, each length-prefixed so parts cannot run together. */
export function contentId(...parts: readonly string[]): string {
  const hash = createHash('sha256');
  for (const part of parts) {
    hash.update(`${part.length}:`);
    hash.update(part);
  }
  return hash.digest('hex').slice(0, 16);
}
