/**
 * The shell of every page of the exploration report ("site"): a strict Content Security
 * Policy that allows only the page's own inline scripts (by hash), inline styles and local or
 * data: images, the navigation bar, and the links between pages, which are file names in a
 * report folder and `#` anchors in a single-file report.
 * @module
 */
import { Buffer } from "node:buffer";
import { createHash } from "node:crypto";
import { markup, type SafeHtml, trustedHtml } from "../../util/html.ts";
import { SITE_CSS } from "./style.ts";
import { QUALITY_PAGES } from "./words.ts";

/** How pages refer to each other and to images. */
export interface Linker {
  /** True when every page is a section of one HTML file. */
  single: boolean;
  /** Link to page `id` (`index`, `map`, `gallery-2`, `cluster-7`, ...). */
  href(id: string): string;
}

/** Links of a report folder (`id.html`) or of a single file (`#id`). */
export function linker(single: boolean): Linker {
  return { single, href: (id) => (single ? `#${id}` : `${id}.html`) };
}

/** The pages listed in the navigation bar: id and label. */
export const NAV_PAGES: readonly (readonly [string, string])[] = [
  ["index", "Overview"],
  ["map", "Map"],
  ["gallery", "Clusters"],
  [QUALITY_PAGES.twoPeople.id, QUALITY_PAGES.twoPeople.nav],
  [QUALITY_PAGES.onePerson.id, QUALITY_PAGES.onePerson.nav],
  ["unassigned", "Unassigned"],
  ["sweep", "Sweep"],
  ["files", "Files"],
];

/** The navigation bar; `current` (a NAV_PAGES id) is highlighted. */
export function siteNav(l: Linker, current: string, title: string): SafeHtml {
  const items = NAV_PAGES.map(([id, label]) =>
    id === current
      ? markup`<a href="${l.href(id)}" aria-current="page">${label}</a>`
      : markup`<a href="${l.href(id)}">${label}</a>`
  );
  return markup`<header class="bar"><span class="brand">${title}</span><nav>${items}</nav></header>`;
}

/** The CSP source of an inline script: `'sha256-<base64>'` of its exact text. */
export function scriptHash(code: string): string {
  return `'sha256-${createHash("sha256").update(code, "utf8").digest("base64")}'`;
}

/**
 * JSON that is safe inside `<script type="application/json">` (and in HTML at all): `<`, `>`,
 * `&` and the JavaScript line separators are written as `\u` escapes.
 */
export function jsonForScript(value: unknown): SafeHtml {
  const text = JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
  return trustedHtml(text);
}

/** A data: URI of JPEG (or other) bytes. */
export function dataUri(bytes: Uint8Array, type = "image/jpeg"): string {
  return `data:${type};base64,${
    Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64")
  }`;
}

/** Options of {@link htmlDocument}. */
export interface DocumentOptions {
  /** Inline scripts (trusted code of this module's callers, never data), allowed by hash. */
  scripts?: readonly string[];
  /** An empty inline icon, which spares browsers the request for /favicon.ico. @default true */
  emptyIcon?: boolean;
}

/**
 * A complete HTML document with `css` inline and a policy that forbids loading anything from
 * outside the folder.
 */
export function htmlDocument(title: string, css: string, body: SafeHtml, opts: DocumentOptions = {}): string {
  const scripts = opts.scripts ?? [];
  const scriptSrc = scripts.length ? `script-src ${[...new Set(scripts.map(scriptHash))].join(" ")}; ` : "";
  const csp = `default-src 'none'; img-src 'self' file: data:; style-src 'unsafe-inline'; ${scriptSrc}` +
    `base-uri 'none'; form-action 'none'`;
  const tags = scripts.map((s) => markup`<script>${trustedHtml(s)}</script>\n`);
  return markup`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="referrer" content="no-referrer">
${opts.emptyIcon !== false && trustedHtml('<link rel="icon" href="data:,">\n')}<title>${title}</title>
<style>${trustedHtml(css)}</style>
</head>
<body>
${body}
${tags}</body>
</html>
`.value;
}

/** A page of the exploration report (the site's style); see {@link htmlDocument}. */
export function siteDocument(title: string, body: SafeHtml, scripts: readonly string[] = []): string {
  return htmlDocument(title, SITE_CSS, body, { scripts });
}
