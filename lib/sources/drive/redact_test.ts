import assert from "node:assert/strict";
import { redact, safeErrorMessage } from "./redact.ts";

Deno.test("redact removes private keys, bearer and OAuth tokens, JWTs, secrets and codes", () => {
  const cases = [
    "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n",
    "Authorization: Bearer ya29.a0AfH6SMBx-secret_token",
    "token ya29.c.b0Aaekm1K-secret",
    "refresh 1//0gSecretRefreshToken-abc_def",
    "jwt eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJ4In0.c2lnbmF0dXJlLXNlY3JldA",
    '{"client_secret": "GOCSPX-SecretValue123", "refresh_token":"rt-SecretValue"}',
    "POST body grant_type=x&assertion=SecretAssertion&client_secret=SecretValue2",
    "http://127.0.0.1:5555/?code=4/SecretCode&state=s",
    "key=AIzaSyDsecretsecretsecretsecret00",
  ];
  for (const c of cases) {
    const r = redact(c);
    assert.ok(
      !/secret|MIIEvQ|ya29\.|1\/\/0g|eyJhbGci/i.test(r.replace(/client_secret/g, "")),
      `${c} -> ${r}`,
    );
    assert.ok(r.includes("[redacted]"), r);
  }
  assert.equal(
    redact("HTTP 404 notFound: File not found: 1abc."),
    "HTTP 404 notFound: File not found: 1abc.",
  );
  assert.equal(redact("the value hunter2x is bad", ["hunter2x"]), "the value [redacted] is bad");
});

Deno.test("safeErrorMessage keeps the first line only, redacted", () => {
  const e = new Error("failed: Bearer abc.def\nconfig: {headers: {Authorization: 'Bearer xyz'}}");
  assert.equal(safeErrorMessage(e), "failed: Bearer [redacted]");
});
