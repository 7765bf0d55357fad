import fs from 'node:fs';
import path from 'node:path';

/**
 * Where policybot's own TypeScript sources are, whether it runs from them (tsx) or from the
 * compiled dist/: the `src/` folder beside the package.json above this module. Used to salt
 * the index with the pipeline's source (so both runs agree) and by `calibrate --write`.
 */
let cached: string | null = null;
export function sourceRoot(): string {
  if (cached) return cached;
  let dir = import.meta.dirname;
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json'))) {
      const src = path.join(dir, 'src');
      cached = fs.existsSync(path.join(src, 'engine.ts')) ? src : import.meta.dirname;
      return cached;
    }
    const up = path.dirname(dir);
    if (up === dir) return (cached = import.meta.dirname);
    dir = up;
  }
}
