/**
 * Scrubbing credentials out of any text that may reach a log, a report or an error message.
 * @module
 */

const REDACTED = "[redacted]";

const PATTERNS: [RegExp, string][] = [
  // PEM blocks (service-account private keys), also when JSON-escaped
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g, REDACTED],
  // "Bearer <token>" in headers or messages
  [/\bBearer\s+[A-Za-z0-9._~+/=-]+/gi, `Bearer ${REDACTED}`],
  // Google OAuth access / refresh tokens, API keys and JWTs
  [/\bya29\.[A-Za-z0-9._-]+/g, REDACTED],
  [/\b1\/\/[A-Za-z0-9._-]{10,}/g, REDACTED],
  [/\bAIza[0-9A-Za-z_-]{20,}/g, REDACTED],
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, REDACTED],
  // "key": "value" and key=value forms of secret fields
  [
    /((?:access_token|refresh_token|id_token|client_secret|private_key|private_key_id|assertion|code_verifier)["']?\s*[:=]\s*["']?)[^"'&\s,}]+/gi,
    `$1${REDACTED}`,
  ],
  // authorization codes and API keys in query strings
  [/([?&](?:code|key)=)[^&\s#]+/gi, `$1${REDACTED}`],
];

/**
 * Replaces anything that looks like a credential (private keys, bearer/OAuth tokens, JWTs,
 * `client_secret=`, `"refresh_token": …`) with `[redacted]`. Extra exact secrets may be given.
 *
 * @example
 * ```ts
 * redact("auth failed: Bearer ya29.abc"); // "auth failed: [redacted]"
 * ```
 */
export function redact(text: string, secrets: Iterable<string> = []): string {
  let out = text;
  for (const s of secrets) {
    if (s.length >= 6) out = out.split(s).join(REDACTED);
  }
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/** One line describing `e`, with credentials removed; never includes request configs or headers. */
export function safeErrorMessage(e: unknown, secrets: Iterable<string> = []): string {
  const raw = e instanceof Error ? e.message : String(e);
  return redact(raw.split("\n")[0], secrets);
}
