/**
 * Safe HTML building. Every interpolation in an `html` template is escaped unless it is
 * already `SafeHtml` (the result of another `html` template or of `raw`), so corpus text
 * containing `<script>` renders as text. Arrays are joined, null/undefined/false render
 * as nothing.
 */
import { escapeHtml } from '../text/escape-html.ts';

export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export { escapeHtml };

type Interpolation = SafeHtml | string | number | boolean | null | undefined | readonly Interpolation[];

function render(v: Interpolation): string {
  if (v === null || v === undefined || v === false) return '';
  if (v instanceof SafeHtml) return v.value;
  if (Array.isArray(v)) return v.map(render).join('');
  return escapeHtml(String(v));
}

export function html(strings: TemplateStringsArray, ...values: Interpolation[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((v, i) => {
    out += render(v) + (strings[i + 1] ?? '');
  });
  return new SafeHtml(out);
}

/** Marks trusted markup (our own constants only, never data). */
export function raw(markup: string): SafeHtml {
  return new SafeHtml(markup);
}
