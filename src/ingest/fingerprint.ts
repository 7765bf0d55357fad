import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * A hash of everything under the corpus folder that can change what is indexed:
 * every file's relative path and bytes (sidecar metadata included). An index whose
 * manifest records another hash is stale.
 */
export function corpusFingerprint(root: string, salt: string): string {
  const h = createHash('sha256').update(salt);
  const walk = (dir: string): void => {
    const entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const abs = path.join(dir, e.name);
      if (e.isDirectory()) walk(abs);
      else if (e.isFile()) {
        h.update(path.relative(root, abs)).update('\0');
        h.update(createHash('sha256').update(fs.readFileSync(abs)).digest()).update('\0');
      }
    }
  };
  walk(root);
  return h.digest('hex');
}
