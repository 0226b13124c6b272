import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runExamples } from '@sluice/plugin-testing';
import { download } from './index.js';
import { startTestServer } from '../test/test-server.js';
import logPlugin from '../../core-log/src/index.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe('Download task examples', () => {
  it('all run through the engine against a local server, the file read back by a later task', async () => {
    const downloads = await runExamples(download, { packages: [logPlugin], inputs: { base_url: server.url } });
    expect(downloads).toHaveLength(2);
    expect(downloads.every((result) => result.ok)).toBe(true);
    const [csv, empty] = downloads;
    const uri = csv?.execution?.taskRunList[0]?.outputs.uri;
    expect(uri).toMatch(/^kestra:\/\/\/company\/team\/download\/executions\/\w+\/tasks\/extract\/\w+\/orders\.csv$/);
    // Only the URI travels in the execution, never the content.
    expect(JSON.stringify(csv?.execution)).not.toContain('Kestra,10');
    expect(empty?.logs.map((line) => [line.level, line.message])).toContainEqual(['WARN', `File '${server.url}/reports/today' is empty`]);
  });
});
