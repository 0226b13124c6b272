/** `text` with every non-empty secret replaced by `***`: a password, token or creds file must never reach a log line. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret !== '') out = out.split(secret).join('***');
  return out;
}
