import { engineErrors } from '../errors.js';
import type { FlowProblem } from './problems.js';

const FATAL = new TextDecoder('utf-8', { fatal: true });

/** The offset of the first byte of `bytes` that does not start or continue a valid UTF-8 sequence. */
function firstInvalid(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] as number;
    const need = b < 0x80 ? 0 : b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    if (need < 0) return i;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
    }
    // Overlong forms, surrogates and code points past U+10FFFF.
    const second = bytes[i + 1] as number;
    if ((b === 0xe0 && second < 0xa0) || (b === 0xed && second > 0x9f) || (b === 0xf0 && second < 0x90) || (b === 0xf4 && second > 0x8f)) return i;
    i += need + 1;
  }
  return bytes.length;
}

/**
 * A flow's YAML bytes as text, or the problem with them: bytes that are not UTF-8 are refused
 * with the line and column of the first bad byte (`FLOW_YAML_ENCODING`), where decoding them
 * leniently would save replacement characters in place of what was sent.
 */
export function decodeFlowSource(bytes: Uint8Array): { readonly ok: true; readonly source: string } | { readonly ok: false; readonly errors: readonly FlowProblem[] } {
  try {
    return { ok: true, source: FATAL.decode(bytes) };
  } catch {
    const at = firstInvalid(bytes);
    let lineStart = 0;
    let line = 1;
    for (let i = 0; i < at; i++) {
      if (bytes[i] === 0x0a) {
        line++;
        lineStart = i + 1;
      }
    }
    const column = new TextDecoder().decode(bytes.subarray(lineStart, at)).length + 1;
    const byte = (bytes[at] ?? 0).toString(16).padStart(2, '0');
    return { ok: false, errors: [{ code: engineErrors.codes.FLOW_YAML_ENCODING, path: '', message: engineErrors.FLOW_YAML_ENCODING(byte).message, line, column }] };
  }
}
