/** Encoding and hashing filters, on the UTF-8 bytes of the input's printed form. */
import { createHash } from 'node:crypto';
import { toOutput } from './output.js';
import type { CallContext, FilterDef } from './registry.js';

function text(apply: (value: string, ctx: CallContext) => unknown): FilterDef {
  return {
    params: [],
    apply: (input, _args, ctx) => {
      if (input === null || input === undefined) return null;
      const value = toOutput(input, ctx);
      ctx.charge(value.length);
      return apply(value, ctx);
    },
  };
}

function hash(algorithm: 'sha256' | 'sha1' | 'sha512' | 'md5'): FilterDef {
  return text((value) => createHash(algorithm).update(value, 'utf8').digest('hex'));
}

/**
 * Java's URLEncoder: only `A-Za-z0-9.-*_` stay as they are, and a space becomes `+`. Literal
 * `replaceAll`s rather than a callback per match, so the cost stays linear in native code.
 */
function urlEncode(value: string): string {
  return encodeURIComponent(value)
    .replaceAll('!', '%21')
    .replaceAll("'", '%27')
    .replaceAll('(', '%28')
    .replaceAll(')', '%29')
    .replaceAll('~', '%7E')
    .replaceAll('%20', '+');
}

function urlDecode(value: string, ctx: CallContext): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return ctx.fail('invalid URL encoding');
  }
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{2,3})?$/;

function base64Decode(value: string, ctx: CallContext): string {
  const compact = value.replace(/\s+/g, '');
  if (!BASE64.test(compact)) return ctx.fail('invalid base64');
  return Buffer.from(compact, 'base64').toString('utf8');
}

export const ENCODING_FILTERS: Readonly<Record<string, FilterDef>> = {
  base64encode: text((value) => Buffer.from(value, 'utf8').toString('base64')),
  base64decode: text(base64Decode),
  urlencode: text(urlEncode),
  urldecode: text(urlDecode),
  sha256: hash('sha256'),
  sha1: hash('sha1'),
  sha512: hash('sha512'),
  md5: hash('md5'),
};
