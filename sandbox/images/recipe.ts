import { createHash } from 'node:crypto';
import { z } from 'zod';

/** Payload uids: one per concurrent slot, so process limits and leftovers never mix two runs. */
export const SANDBOX_FIRST_UID = 1000;
export const SANDBOX_SLOTS = 64;

/** What the sandbox root filesystem holds; its hash names the image, so a changed recipe is a new image. */
export const SandboxRecipe = z.object({
  suite: z.string().default('bookworm'),
  mirror: z.string().default('http://deb.debian.org/debian'),
  variant: z.string().default('essential'),
  packages: z.array(z.string()).default(['python3', 'python3-pytest', 'python3-pytest-cov']),
  /** Mount points the backends need; the root is read-only when they run. */
  directories: z.array(z.string()).default(['/work', '/opt/veridata-runtime']),
});
export type SandboxRecipe = z.infer<typeof SandboxRecipe>;

/**
 * The recipe in use: VERIDATA_SANDBOX_MIRROR overrides the mirror, VERIDATA_SANDBOX_PACKAGES (comma-separated Debian
 * packages, e.g. python3-numpy) adds to the packages. Extra packages change the hash, so they make another image, which
 * every command finds as long as the variable is set the same way.
 */
export function defaultRecipe(env: NodeJS.ProcessEnv = process.env): SandboxRecipe {
  const base = SandboxRecipe.parse({});
  const extra = (env.VERIDATA_SANDBOX_PACKAGES ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '' && !base.packages.includes(name));
  return SandboxRecipe.parse({
    ...(env.VERIDATA_SANDBOX_MIRROR ? { mirror: env.VERIDATA_SANDBOX_MIRROR } : {}),
    ...(extra.length > 0 ? { packages: [...base.packages, ...[...new Set(extra)].sort()] } : {}),
  });
}

/** Bumped when the build steps change in a way the recipe fields do not show. */
const BUILDER_VERSION = 1;

/** 12 hex digits naming the image built from `recipe`; the mirror is left out (the same packages from any mirror). */
export function recipeHash(recipe: SandboxRecipe): string {
  const { mirror: _mirror, ...content } = recipe;
  return createHash('sha256').update(JSON.stringify({ BUILDER_VERSION, ...content })).digest('hex').slice(0, 12);
}

/** The Docker image reference of a recipe. */
export function imageTag(recipe: SandboxRecipe): string {
  return `veridata-sandbox:${recipeHash(recipe)}`;
}

/** Lines appended to /etc/passwd and /etc/group so the payload uids have names (pytest's tmp_path asks for one). */
export function userEntries(): { passwd: string; group: string } {
  let passwd = '';
  let group = '';
  for (let slot = 0; slot < SANDBOX_SLOTS; slot += 1) {
    const id = SANDBOX_FIRST_UID + slot;
    passwd += `sandbox${slot}:x:${id}:${id}:veridata sandbox:/tmp:/usr/sbin/nologin\n`;
    group += `sandbox${slot}:x:${id}:\n`;
  }
  return { passwd, group };
}

/** mmdebstrap's arguments for `recipe`, writing a tarball to `output` (`unshare` mode when not root). */
export function mmdebstrapArguments(
  recipe: SandboxRecipe,
  output: string,
  options: { passwdFile: string; groupFile: string; mode: 'root' | 'unshare' },
): string[] {
  const excluded = ['/usr/share/doc/*', '/usr/share/man/*', '/usr/share/locale/*', '/usr/share/info/*'];
  return [
    `--variant=${recipe.variant}`,
    `--include=${recipe.packages.join(',')}`,
    ...excluded.map((path) => `--dpkgopt=path-exclude=${path}`),
    `--customize-hook=mkdir -p ${recipe.directories.map((directory) => `"$1${directory}"`).join(' ')}`,
    `--customize-hook=cat ${options.passwdFile} >> "$1/etc/passwd" && cat ${options.groupFile} >> "$1/etc/group"`,
    // The image is data: no apt lists or caches that would only change its bytes.
    '--customize-hook=rm -rf "$1/var/lib/apt/lists/"* "$1/var/cache/apt/"* "$1/var/log/"*',
    `--mode=${options.mode}`,
    '--format=tar',
    recipe.suite,
    output,
    recipe.mirror,
  ];
}
