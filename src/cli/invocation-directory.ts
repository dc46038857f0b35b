/**
 * The directory the user ran the command from. `pnpm veridata` runs the script from the package root and passes the
 * user's directory as INIT_CWD, so a relative `--out rel.jsonl` typed in templates/ would land in the root. Only the
 * `veridata` script itself is trusted: INIT_CWD is inherited by every process pnpm starts (a test runner under
 * `pnpm test` spawning the CLI with its own cwd must keep that cwd).
 */
export function invocationDirectory(env: NodeJS.ProcessEnv, cwd: string): string {
  const initial = env.INIT_CWD;
  return env.npm_lifecycle_event === 'veridata' && initial !== undefined && initial !== '' ? initial : cwd;
}

/** Moves the process to the user's directory, so every relative path option resolves where it was typed. */
export function enterInvocationDirectory(): void {
  const directory = invocationDirectory(process.env, process.cwd());
  if (directory === process.cwd()) return;
  try {
    process.chdir(directory);
  } catch {
    // A directory removed since pnpm started: relative paths keep resolving against the package root, as before.
  }
}
