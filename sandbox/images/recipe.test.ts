import { expect, test } from 'vitest';
import { defaultRecipe, imageTag, mmdebstrapArguments, recipeHash } from './recipe.js';

test('the image name follows the recipe content: extra packages make another image, the mirror does not', () => {
  const plain = defaultRecipe({});
  expect(imageTag(plain)).toMatch(/^veridata-sandbox:[0-9a-f]{12}$/);
  expect(recipeHash(defaultRecipe({ VERIDATA_SANDBOX_MIRROR: 'http://mirror.local/debian' }))).toBe(recipeHash(plain));
  const numpy = defaultRecipe({ VERIDATA_SANDBOX_PACKAGES: 'python3-numpy, python3-pytest' });
  expect(numpy.packages).toEqual([...plain.packages, 'python3-numpy']);
  expect(recipeHash(numpy)).not.toBe(recipeHash(plain));
  // Order and repeats do not matter.
  expect(recipeHash(defaultRecipe({ VERIDATA_SANDBOX_PACKAGES: 'b,a,a' }))).toBe(recipeHash(defaultRecipe({ VERIDATA_SANDBOX_PACKAGES: 'a,b' })));
});

test('mmdebstrap writes a tar with the mount points and the sandbox users', () => {
  const args = mmdebstrapArguments(defaultRecipe({}), '/out/rootfs.partial.tar', { passwdFile: '/p', groupFile: '/g', mode: 'root' });
  expect(args).toContain('--format=tar');
  expect(args).toContain('--include=python3,python3-pytest,python3-pytest-cov');
  expect(args.some((arg) => arg.includes('"$1/work"') && arg.includes('"$1/opt/veridata-runtime"'))).toBe(true);
  expect(args.slice(-3)).toEqual(['bookworm', '/out/rootfs.partial.tar', 'http://deb.debian.org/debian']);
});
