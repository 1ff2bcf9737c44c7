/**
 * HTML that escapes by default. Everything the pages show that came from outside — commit subjects,
 * author names, branch names, URLs, error texts, logs — is interpolated through the `html` tag, which
 * escapes every value unless it is already `SafeHtml` (made by this tag). Raw markup cannot be passed
 * by accident: a plain string is always text.
 */

/** Markup known to be safe: only the `html` tag (and `raw` for constant text) make it. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text as HTML text or a quoted attribute value. Control characters other than tab and newline become U+FFFD. */
export function escapeHtml(text: string): string {
  return (
    text
      .replace(/[&<>"']/g, (c) => ESCAPES[c] as string)
      // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is replaced
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '\ufffd')
  );
}

export type HtmlValue = SafeHtml | string | number | boolean | null | undefined | readonly HtmlValue[];

function render(value: HtmlValue): string {
  if (value === null || value === undefined || value === false || value === true) return '';
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

/** The template tag: literal parts are markup, interpolated values are escaped (arrays are joined). */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0] as string;
  for (let i = 0; i < values.length; i++) out += render(values[i] as HtmlValue) + (strings[i + 1] as string);
  return new SafeHtml(out);
}

/** Constant markup written in this program (never data). */
export function raw(markup: string): SafeHtml {
  return new SafeHtml(markup);
}

/** Terminal colour and cursor sequences, which mean nothing in a page. */
export function stripAnsi(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ESC is what is matched
  return text.replace(/\u001b(?:\[[0-?]*[ -/]*[@-~]|\][^\u0007\u001b]*(?:\u0007|\u001b\\)|[@-Z\\-_])/g, '');
}

/** A path segment or query value for a link. */
export function urlPart(text: string): string {
  return encodeURIComponent(text);
}
