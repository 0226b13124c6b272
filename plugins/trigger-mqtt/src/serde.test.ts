import { describe, expect, it } from 'vitest';
import { decodePayload } from './serde.js';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('decodePayload', () => {
  it("reads JSON into values, STRING as UTF-8 text, BYTES as Base64, as Kestra's serdeType does", () => {
    expect(decodePayload(bytes('{"a":[1,"é"]}'), 'JSON')).toEqual({ ok: true, value: { a: [1, 'é'] } });
    expect(decodePayload(bytes('42'), 'JSON')).toEqual({ ok: true, value: 42 });
    expect(decodePayload(bytes('héllo'), 'STRING')).toEqual({ ok: true, value: 'héllo' });
    expect(decodePayload(new Uint8Array([0, 255]), 'BYTES')).toEqual({ ok: true, value: 'AP8=' });
  });
  it('says why a payload does not decode', () => {
    expect(decodePayload(bytes('{'), 'JSON')).toMatchObject({ ok: false });
    expect(decodePayload(new Uint8Array([0xff, 0xfe]), 'STRING')).toEqual({ ok: false, reason: 'not valid UTF-8' });
  });
});
