const NON_ASCII = /[^\x00-\x7f]/;
const WHITESPACE = /\s+/g;

/**
 * The form two texts share when they differ only in case, spacing or Unicode spelling: NFKC (full-width digits, ligatures
 * and compatibility characters become their plain forms), lower case, runs of whitespace as one space, no leading or
 * trailing space. Idempotent.
 */
export function normalizeText(text: string): string {
  if (!NON_ASCII.test(text)) return text.toLowerCase().replace(WHITESPACE, ' ').trim();
  // Lower-casing can leave a sequence NFKC would still change (and NFKC can produce capitals), so repeat until stable.
  let current = text;
  for (let round = 0; round < 4; round += 1) {
    const next = current.normalize('NFKC').toLowerCase().replace(WHITESPACE, ' ').trim();
    if (next === current) break;
    current = next;
  }
  return current;
}
