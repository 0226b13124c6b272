import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSluiceError } from '@sluice/core';
import { createTaskContext } from '@sluice/plugin-testing';
import { download, type DownloadProps } from './index.js';
import { endlessBody, startTestServer } from '../test/test-server.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  server = await startTestServer({
    'GET /named': (_req, res) => {
      res.writeHead(200, { 'content-disposition': 'attachment; filename="../../etc/report 2024.txt"' });
      res.end('named');
    },
    'GET /encoded': (_req, res) => {
      res.writeHead(200, { 'content-disposition': "attachment; filename=\"plain.txt\"; filename*=UTF-8''r%C3%A9sum%C3%A9.txt" });
      res.end('accents');
    },
    'GET /big': (_req, res) => {
      res.writeHead(200, { 'content-length': String(4096) });
      res.end('x'.repeat(4096));
    },
    // No Content-Length: only counting the bytes as they stream can stop it.
    'GET /endless': endlessBody('application/octet-stream'),
    'GET /empty': (_req, res) => {
      res.writeHead(200, { 'content-length': '0' });
      res.end();
    },
    'GET /large.bin': (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      for (let i = 0; i < 64; i++) res.write(Buffer.alloc(64 * 1024, i));
      res.end();
    },
    'POST /export': (req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(`exported ${req.body} with ${req.headers['x-key']}`);
    },
  });
});
afterAll(() => server.close());

const run = async (props: Partial<DownloadProps> & { uri: string }, ctx = createTaskContext()) => ({ out: await download.run(ctx, props as DownloadProps), ctx });
const textOf = async (stream: AsyncIterable<Uint8Array>) => {
  const chunks: Uint8Array[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks);
};
const failureOf = async (promise: PromiseLike<unknown>): Promise<{ code: string; message: string; retryable: boolean }> => {
  try {
    await promise;
  } catch (error) {
    if (isSluiceError(error)) return { code: error.code, message: error.message, retryable: error.retryable };
    throw error;
  }
  throw new Error('expected the task to fail');
};

describe('Download task', () => {
  it('streams the body into internal storage and outputs its uri, code, length and headers', async () => {
    const { out, ctx } = await run({ uri: `${server.url}/csv/orders.csv` });
    expect(out).toEqual({
      uri: 'kestra:///company/team/test-flow/executions/0000000000000000000001/tasks/test-task/0000000000000000000002/orders.csv',
      code: 200,
      length: 53,
      headers: expect.objectContaining({ 'content-type': ['text/csv'] }),
    });
    expect((await textOf(await ctx.storage.get(out.uri))).toString()).toBe('order_id,customer_name,total\n1,Kestra,10\n2,Sluice,20\n');
  });

  it('keeps a binary file byte for byte, read as it streams', async () => {
    const { out, ctx } = await run({ uri: `${server.url}/large.bin` });
    expect(out.length).toBe(64 * 64 * 1024);
    const bytes = await textOf(await ctx.storage.get(out.uri));
    expect(bytes.byteLength).toBe(64 * 64 * 1024);
    expect([bytes[0], bytes[64 * 1024], bytes[bytes.byteLength - 1]]).toEqual([0, 1, 63]);
  });

  it("names the file by Content-Disposition, without its folders, and prefers RFC 5987's filename*", async () => {
    expect((await run({ uri: `${server.url}/named` })).out.uri).toMatch(/\/0000000000000000000002\/report%202024\.txt$/);
    expect((await run({ uri: `${server.url}/encoded` })).out.uri).toMatch(/\/r%C3%A9sum%C3%A9\.txt$/);
  });

  it("sends the Request task's method, headers and body", async () => {
    const { out, ctx } = await run({ uri: `${server.url}/export`, method: 'POST', body: 'q=1', headers: { 'X-Key': 'k1' } });
    expect((await textOf(await ctx.storage.get(out.uri))).toString()).toBe('exported q=1 with k1');
  });

  it('fails on a 404 naming the code and the URL, storing nothing, unless allowFailed', async () => {
    const ctx = createTaskContext();
    const failure = await failureOf(run({ uri: `${server.url}/missing.csv?key=secret` }, ctx));
    expect(failure).toEqual({
      code: 'HTTP_STATUS_FAILED',
      message: `Failed http request with response code '404' (GET ${server.url}/missing.csv); set options.allowFailed: true to accept it`,
      retryable: false,
    });
    expect(await ctx.storage.stat(`kestra:///company/team/test-flow/executions/0000000000000000000001/tasks/test-task/0000000000000000000002/missing.csv`)).toBeUndefined();
    const allowed = await run({ uri: `${server.url}/missing.csv`, options: { allowFailed: true } });
    expect(allowed.out.code).toBe(404);
  });

  it('fails a body over the limit, declared or streamed, and keeps nothing of it', async () => {
    const ctx = createTaskContext();
    const declared = await failureOf(run({ uri: `${server.url}/big`, options: { maxContentLength: 1024 } }, ctx));
    expect(declared.code).toBe('HTTP_BODY_TOO_LARGE');
    expect(declared.message).toContain('larger than 1024 bytes');
    const streamed = await failureOf(run({ uri: `${server.url}/endless`, options: { maxContentLength: 100_000 } }, ctx));
    expect(streamed).toEqual({ code: 'HTTP_BODY_TOO_LARGE', message: expect.stringContaining(`${server.url}/endless is larger than 100000 bytes`), retryable: false });
    expect(await ctx.storage.stat('kestra:///company/team/test-flow/executions/0000000000000000000001/tasks/test-task/0000000000000000000002/endless')).toBeUndefined();
  });

  it('fails an empty body unless failOnEmptyResponse is false, which warns', async () => {
    expect(await failureOf(run({ uri: `${server.url}/empty` }))).toEqual({ code: 'HTTP_EMPTY_RESPONSE', message: expect.stringContaining('No response from server'), retryable: false });
    const { out, ctx } = await run({ uri: `${server.url}/empty`, failOnEmptyResponse: false });
    expect(out.length).toBe(0);
    expect(ctx.logs).toContainEqual({ level: 'WARN', message: `File '${server.url}/empty' is empty` });
  });

  it('fails with the cause when the host is unreachable', async () => {
    const failure = await failureOf(run({ uri: 'http://127.0.0.1:1/file.csv' }));
    expect(failure.code).toBe('HTTP_UNREACHABLE');
    expect(failure.retryable).toBe(true);
  });
});
