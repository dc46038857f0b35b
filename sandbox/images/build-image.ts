import { createReadStream } from 'node:fs';
import { access, mkdir, mkdtemp, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { execa } from 'execa';
import { VeridataError } from '../../src/core/errors.js';
import { imageTag, mmdebstrapArguments, recipeHash, type SandboxRecipe, userEntries } from './recipe.js';

/** Where built root filesystems live: $VERIDATA_CACHE_DIR/sandbox, else a world-readable cache as root, else ~/.cache. */
export function sandboxCacheDirectory(env: NodeJS.ProcessEnv = process.env): string {
  if (env.VERIDATA_CACHE_DIR) return join(env.VERIDATA_CACHE_DIR, 'sandbox');
  // As root the sandbox runs as unprivileged uids, which must be able to read the root filesystem: not under /root.
  if (process.getuid?.() === 0) return '/var/cache/veridata/sandbox';
  return join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'veridata', 'sandbox');
}

/** Paths of one recipe's build. */
export function imagePaths(recipe: SandboxRecipe, cacheDirectory = sandboxCacheDirectory()): { directory: string; tarball: string; rootfs: string } {
  const directory = join(cacheDirectory, recipeHash(recipe));
  return { directory, tarball: join(directory, 'rootfs.tar'), rootfs: join(directory, 'rootfs') };
}

const COMPLETE_MARKER = '.veridata-complete';

/** True when the recipe's root filesystem was built completely. */
export async function rootfsReady(recipe: SandboxRecipe, cacheDirectory?: string): Promise<boolean> {
  const { rootfs } = imagePaths(recipe, cacheDirectory);
  return access(join(rootfs, COMPLETE_MARKER)).then(
    () => true,
    () => false,
  );
}

/** The image cannot be built here (no mmdebstrap, no mirror); names what to install or fix. */
export class ImageBuildError extends VeridataError {
  constructor(message: string, hint: string, cause?: unknown) {
    super('INFRASTRUCTURE', message, { hint, cause });
  }
}

/** What a build did. */
export interface BuildReport {
  readonly hash: string;
  readonly rootfs: string;
  readonly tarball: string;
  readonly built: boolean;
  readonly seconds: number;
  readonly dockerImage?: string;
  readonly dockerImported?: boolean;
}

/**
 * Builds the recipe's root filesystem offline-from-a-mirror with mmdebstrap (a tarball, then the extracted tree used
 * as bwrap's read-only root), once per recipe hash: a finished build is reused, an interrupted one is redone. With a
 * Docker client, the same tarball is `docker import`ed as `veridata-sandbox:<hash>` unless that image exists.
 */
export async function buildImage(options: {
  recipe: SandboxRecipe;
  cacheDirectory?: string;
  docker?: Docker;
  log?: (line: string) => void;
}): Promise<BuildReport> {
  const started = performance.now();
  const log = options.log ?? (() => {});
  const { directory, tarball, rootfs } = imagePaths(options.recipe, options.cacheDirectory);
  let built = false;
  if (!(await rootfsReady(options.recipe, options.cacheDirectory))) {
    await mkdir(directory, { recursive: true, mode: 0o755 });
    await ensureTraversable(directory);
    if (!(await exists(tarball))) {
      await runMmdebstrap(options.recipe, tarball, log);
    }
    log(`extracting ${tarball}`);
    const partial = await mkdtemp(join(directory, 'rootfs.partial-'));
    try {
      await execa('tar', ['-C', partial, '--numeric-owner', '-xf', tarball]);
      await writeFile(join(partial, COMPLETE_MARKER), `${recipeHash(options.recipe)}\n`);
      await execa('chmod', ['0755', partial]);
      await rm(rootfs, { recursive: true, force: true });
      await rename(partial, rootfs);
    } catch (error) {
      await rm(partial, { recursive: true, force: true });
      throw new ImageBuildError(`cannot extract ${tarball}`, 'Delete the file and rerun `veridata sandbox build`.', error);
    }
    built = true;
  }
  const report: BuildReport = { hash: recipeHash(options.recipe), rootfs, tarball, built, seconds: 0 };
  if (options.docker === undefined) return { ...report, seconds: (performance.now() - started) / 1000 };
  const imported = await importIntoDocker(options.docker, options.recipe, tarball, log);
  return { ...report, dockerImage: imageTag(options.recipe), dockerImported: imported, seconds: (performance.now() - started) / 1000 };
}

async function runMmdebstrap(recipe: SandboxRecipe, tarball: string, log: (line: string) => void): Promise<void> {
  const which = await execa('sh', ['-c', 'command -v mmdebstrap'], { reject: false });
  if (which.exitCode !== 0) {
    throw new ImageBuildError('mmdebstrap is not installed', 'Install it with: apt-get install -y mmdebstrap (scripts/setup.sh does this as root).');
  }
  const scratch = await mkdtemp(join(tmpdir(), 'veridata-image-'));
  const users = userEntries();
  const files = { passwd: join(scratch, 'passwd'), group: join(scratch, 'group') };
  await writeFile(files.passwd, users.passwd);
  await writeFile(files.group, users.group);
  const partial = tarball.replace(/\.tar$/, '.partial.tar');
  log(`mmdebstrap ${recipe.suite} with ${recipe.packages.join(', ')} from ${recipe.mirror}`);
  const mode = process.getuid?.() === 0 ? 'root' : 'unshare';
  const result = await execa('mmdebstrap', mmdebstrapArguments(recipe, partial, { passwdFile: files.passwd, groupFile: files.group, mode }), { reject: false, all: true });
  await rm(scratch, { recursive: true, force: true });
  if (result.exitCode !== 0) {
    await rm(partial, { force: true });
    const tail = String(result.all ?? '').split('\n').slice(-8).join('\n');
    throw new ImageBuildError(
      `mmdebstrap failed (exit ${result.exitCode}):\n${tail}`,
      `Check that the Debian mirror ${recipe.mirror} is reachable (set VERIDATA_SANDBOX_MIRROR to use another).`,
    );
  }
  await rename(partial, tarball);
}

async function importIntoDocker(docker: Docker, recipe: SandboxRecipe, tarball: string, log: (line: string) => void): Promise<boolean> {
  const tag = imageTag(recipe);
  const present = await docker
    .getImage(tag)
    .inspect()
    .then(
      () => true,
      () => false,
    );
  if (present) return false;
  log(`docker import ${tarball} as ${tag}`);
  const [repo, version] = tag.split(':') as [string, string];
  const stream = await docker.importImage(createReadStream(tarball), { repo, tag: version });
  await new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(stream, (error: Error | null, output: { error?: string }[]) => {
      const failed = error ?? output.find((event) => event.error !== undefined)?.error;
      if (failed) reject(new ImageBuildError(`docker import of ${tarball} failed: ${String(failed)}`, 'Check the Docker engine with `veridata sandbox doctor`.'));
      else resolve();
    });
  });
  return true;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** Opens every directory from the cache root up for traversal, so unprivileged sandbox uids can reach the rootfs. */
async function ensureTraversable(directory: string): Promise<void> {
  if (process.getuid?.() !== 0) return;
  await execa('chmod', ['a+rx', directory]);
  const parent = join(directory, '..');
  await execa('chmod', ['a+rx', parent]).catch(() => {});
  await readdir(parent).catch(() => []);
}
