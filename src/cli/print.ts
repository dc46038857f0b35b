/** Prints a command's summary: aligned rows for people, one JSON object with --json or when not on a terminal. */
export function printSummary(
  rows: readonly [string, string][],
  summary: unknown,
  options: { json: boolean; stream?: NodeJS.WriteStream },
): void {
  const stream = options.stream ?? process.stdout;
  if (options.json || !stream.isTTY) {
    stream.write(`${JSON.stringify(summary)}\n`);
    return;
  }
  const width = Math.max(...rows.map(([label]) => label.length));
  stream.write(`${rows.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join('\n')}\n`);
}
