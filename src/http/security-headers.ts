/**
 * Security headers of data answers (JSON, CSV, problem+json, metrics), after the OWASP REST
 * cheat sheet: nothing may render, frame or embed them. The browser-only headers helmet adds for
 * HTML (DNS prefetch, download options, origin clusters, …) do nothing for data, and each costs
 * time on every cached answer.
 */
export const API_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'cross-origin-resource-policy': 'same-origin',
  // TLS is terminated in front of maatstaf; HSTS is only honoured over HTTPS anyway.
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
};
