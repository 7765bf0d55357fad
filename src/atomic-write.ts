import fs from 'node:fs';
import path from 'node:path';

/** Write a file so readers see the old or the new content, never half of it (temp file, then rename). */
export function writeFileAtomic(file: string, content: string): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  fs.writeFileSync(tmp, content);
  fs.renameSync(tmp, file);
}
