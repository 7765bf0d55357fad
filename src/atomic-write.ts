import fs from 'node:fs';
import path from 'node:path';

/** Write a file so readers see the old or the new content, never half of it (temp file, then rename). */
export function writeFileAtomic(file: string, content: string): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  fs.writeFileSync(tmp, content);
  fs.renameSync(tmp, file);
}

/** Replaces the delimited section of a file (BENCHMARKS.md), or appends it, atomically. */
export function writeSection(file: string, section: string, start: string, end: string): void {
  const old = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '# Benchmarks\n';
  const a = old.indexOf(start);
  const b = old.indexOf(end);
  writeFileAtomic(file, a >= 0 && b > a ? `${old.slice(0, a)}${section}${old.slice(b + end.length)}` : `${old.replace(/\s*$/, '')}\n\n${section}\n`);
}
