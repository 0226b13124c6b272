import { Transform } from 'node:stream';
import { engineErrors } from '../errors.js';

/** A pass-through that counts bytes and fails with `STORAGE_FILE_TOO_LARGE` past `maxBytes`. */
export function byteLimit(maxBytes: number, what: string): Transform & { readonly bytes: () => number } {
  let bytes = 0;
  const transform = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.byteLength;
      if (bytes > maxBytes) return done(engineErrors.STORAGE_FILE_TOO_LARGE(what, maxBytes));
      done(null, chunk);
    },
  });
  return Object.assign(transform, { bytes: () => bytes });
}
