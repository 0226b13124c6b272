/** Kestra's `serdeType`: how a message's payload becomes `trigger.payload`. */
export type SerdeType = 'JSON' | 'STRING' | 'BYTES';

/** A decoded payload, or why it could not be decoded. */
export type Decoded = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly reason: string };

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes a payload as Kestra does: `JSON` parses UTF-8 JSON to maps, lists or scalars,
 * `STRING` is UTF-8 text (Kestra uses the JVM's default charset, UTF-8 in its images), `BYTES`
 * is the raw bytes as Base64, the way Kestra serializes them into `trigger.*`.
 */
export function decodePayload(payload: Uint8Array, serdeType: SerdeType): Decoded {
  if (serdeType === 'BYTES') return { ok: true, value: Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('base64') };
  let text: string;
  try {
    text = utf8.decode(payload);
  } catch {
    return { ok: false, reason: 'not valid UTF-8' };
  }
  if (serdeType === 'STRING') return { ok: true, value: text };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
}
