/**
 * Escaped HTML building: a tagged template in which every interpolated value is escaped
 * unless it is already {@link SafeHtml} (see {@link markup}).
 * @module
 */

/** Markup that is known to be safe and is inserted as is. */
export class SafeHtml {
  /** @param value the markup */
  constructor(readonly value: string) {}
  /** The markup. */
  toString(): string {
    return this.value;
  }
}

/** What may be interpolated in {@link markup}: arrays are concatenated, null/undefined/false are empty. */
export type HtmlValue = SafeHtml | string | number | boolean | null | undefined | readonly HtmlValue[];

const ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/**
 * Unicode bidirectional controls: the embeddings and overrides U+202A to U+202E, the isolates
 * U+2066 to U+2069, and the marks U+200E, U+200F and U+061C. Invisible, they reorder the text
 * around them: `evil\u202Egpj.png` is shown as "evilgnp.jpg".
 */
const BIDI = "\\u061C\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069";
const BIDI_CONTROLS = new RegExp(`[${BIDI}]`, "g");
const TO_ESCAPE = new RegExp(`[&<>"'${BIDI}]`, "g");

/** The visible name of one character: `<U+202E>`. */
function codePointName(c: string): string {
  return `<U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}>`;
}

/**
 * Replaces every Unicode bidirectional control (U+202A to U+202E, U+2066 to U+2069, U+200E,
 * U+200F, U+061C) by its visible name (`<U+202E>`), so that a text (a file name) cannot read
 * differently than it is. Plain text in, plain text out: for places that show text without HTML
 * escaping (`textContent` in a script); {@link escapeHtml} does it too.
 */
export function showBidiControls(text: string): string {
  return text.replace(BIDI_CONTROLS, codePointName);
}

/**
 * Escapes `& < > " '`, so the text is safe in element content and in quoted attribute values,
 * and shows bidirectional controls by name (`&lt;U+202E&gt;`, see {@link showBidiControls}).
 */
export function escapeHtml(text: string): string {
  return text.replace(TO_ESCAPE, (c) => ENTITIES[c] ?? escapeHtml(codePointName(c)));
}

function render(value: HtmlValue): string {
  if (value instanceof SafeHtml) return value.value;
  if (value === null || value === undefined || value === false) return "";
  if (Array.isArray(value)) return value.map(render).join("");
  return escapeHtml(String(value));
}

/**
 * Tagged template: `markup\`<a title="${name}">${name}</a>\`` escapes every value (attribute
 * values must be quoted in the template). Nested `markup` results are inserted as is.
 * (Named `markup`, not `html`, so that `deno fmt` leaves the templates' whitespace alone.)
 */
export function markup(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1];
  return new SafeHtml(out);
}

/** Marks trusted markup (never text from outside) as safe, e.g. a constant style sheet. */
export function trustedHtml(markup: string): SafeHtml {
  return new SafeHtml(markup);
}

/**
 * Returns the link if it is an absolute http(s) URL (normalised, user name and password
 * dropped), otherwise `undefined`: `javascript:`, `data:`, relative and malformed links are
 * refused and must be shown as plain text.
 */
export function safeHttpUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  let u: URL;
  try {
    u = new URL(url.trim());
  } catch {
    return undefined;
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") return undefined;
  u.username = "";
  u.password = "";
  return u.href;
}
