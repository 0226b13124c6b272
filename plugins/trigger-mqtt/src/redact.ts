/**
 * `text` with every non-empty secret replaced by `***`: error messages of a client library may
 * quote what it was given, and a broker password must never reach a log line or an error.
 */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) if (secret !== undefined && secret !== '') out = out.split(secret).join('***');
  return out;
}
