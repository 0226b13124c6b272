import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runExamples } from '@sluice/plugin-testing';
import { request } from './index.js';
import { startTestServer } from '../test/test-server.js';
// The examples log what they received; a relative import keeps the plugin's package.json free
// of a dependency only its tests need.
import logPlugin from '../../core-log/src/index.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe('Request task examples', () => {
  it('all run through the engine against a local server and produce the expected logs', async () => {
    const results = await runExamples(request, {
      packages: [logPlugin],
      inputs: { base_url: server.url },
      secrets: { API_TOKEN: 't0ken-for-tests' },
    });
    expect(results).toHaveLength(6);
    expect(results.every((result) => result.ok)).toBe(true);

    const strict = results[5];
    expect(strict?.logs.map((line) => line.message)).toContainEqual(
      `Failed http request with response code '404' (GET ${server.url}/products/0); set options.allowFailed: true to accept it`,
    );
    // The secret sent in the header never reaches the stored logs.
    expect(JSON.stringify(results.flatMap((result) => result.logs))).not.toContain('t0ken-for-tests');
  });
});
