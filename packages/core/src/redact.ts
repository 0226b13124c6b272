/**
 * `text` with every occurrence of each non-empty secret replaced by `***`.
 *
 * Client libraries of brokers and databases quote what they were given in their error messages
 * (a connection URL with its password, a token), and a secret must never reach a log line, an
 * error or an API answer. Longer secrets are replaced first, so one that contains another (a
 * password and its URL-encoded form) is never left half shown.
 */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  const present = [...new Set(secrets.filter((secret): secret is string => secret !== undefined && secret !== ''))];
  present.sort((a, b) => b.length - a.length);
  return present.reduce((out, secret) => out.split(secret).join('***'), text);
}

/**
 * The forms in which a client may quote a password: as given, and URL-encoded (as it stands in a
 * connection URL). Empty for no password, so nothing is redacted for it.
 */
export function passwordForms(password: string | undefined): string[] {
  if (password === undefined || password === '') return [];
  return [...new Set([password, encodeURIComponent(password)])];
}
