// The package's own tests, run with `npm test` (Node's test runner: no test framework to
// install). They use only public packages: @sluice/core, @sluice/plugin-testing and, for the
// example that logs, @sluice/plugin-core-log.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createTriggerContext, runExamples, validateFlow } from '@sluice/plugin-testing';
import logPlugin from '@sluice/plugin-core-log';
import plugin, { newFilesTrigger } from './index.js';

const folder = mkdtempSync(join(tmpdir(), 'sluice-inbox-'));
after(() => rmSync(folder, { recursive: true, force: true }));

/** Writes a file with a given modification time (seconds), so the order is known. */
function drop(name, body, seconds) {
  writeFileSync(join(folder, name), body);
  utimesSync(join(folder, name), seconds, seconds);
}

describe('NewFiles poll', () => {
  const props = { folder, suffix: '.txt', interval: 'PT1S', maxFiles: 2 };

  it('starts one execution per new file, oldest first, keyed by name and time, and moves its cursor', async () => {
    drop('b.txt', 'bb', 1_000);
    drop('a.txt', 'a', 2_000);
    drop('c.txt', 'ccc', 3_000);
    drop('skip.csv', 'x', 1_500);
    const ctx = createTriggerContext();
    const first = await newFilesTrigger.poll(ctx, props, undefined);
    assert.deepEqual(first.starts.map((start) => [start.variables.name, start.key]), [['b.txt', 'b.txt@1000000'], ['a.txt', 'a.txt@2000000']]);
    assert.deepEqual(first.cursor, { name: 'a.txt', mtimeMs: 2_000_000 });
    // The host stores the cursor as JSON and hands it back.
    const second = await newFilesTrigger.poll(ctx, props, JSON.parse(JSON.stringify(first.cursor)));
    assert.deepEqual(second.starts.map((start) => start.variables), [{ name: 'c.txt', path: join(folder, 'c.txt'), size: 3, modified: '1970-01-01T00:50:00.000Z' }]);
    const third = await newFilesTrigger.poll(ctx, props, second.cursor);
    assert.deepEqual(third, { starts: [], cursor: second.cursor });
  });

  it('repeats the same starts from the same cursor, so a repeated poll doubles nothing', async () => {
    const ctx = createTriggerContext();
    assert.deepEqual(await newFilesTrigger.poll(ctx, props, undefined), await newFilesTrigger.poll(ctx, props, undefined));
  });

  it('fails the poll when the folder is missing, which the host backs off and shows as lastError', async () => {
    await assert.rejects(newFilesTrigger.poll(createTriggerContext(), { ...props, folder: join(folder, 'nope') }, undefined), /ENOENT/);
  });
});

describe('NewFiles props at save time', () => {
  const flow = (props) => `id: f\nnamespace: company.team\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: hi\ntriggers:\n  - id: inbox\n    type: com.example.inbox.NewFiles\n${props}`;
  const paths = (props) => validateFlow(flow(props), plugin, { packages: [logPlugin] }).map((problem) => problem.path);

  it('accepts a folder with the defaults', () => {
    assert.deepEqual(paths('    folder: /srv/inbox\n'), []);
  });

  it('refuses a missing folder, a short or malformed interval and unknown props', () => {
    assert.deepEqual(paths('    interval: PT1S\n'), ['triggers[0].folder']);
    assert.deepEqual(paths('    folder: /srv/inbox\n    interval: PT0.01S\n'), ['triggers[0].interval']);
    assert.deepEqual(paths('    folder: /srv/inbox\n    interval: soon\n'), ['triggers[0].interval']);
    assert.deepEqual(paths('    folder: /srv/inbox\n    foldr: /tmp\n'), ['triggers[0].foldr']);
  });
});

describe('NewFiles examples', () => {
  it('run through the engine: one poll from no cursor starts the flow with the first file', async () => {
    const inbox = mkdtempSync(join(folder, 'examples-'));
    writeFileSync(join(inbox, 'orders-1.csv'), 'id,amount\n1\n');
    writeFileSync(join(inbox, 'notes.txt'), 'not a csv');
    // The examples watch /srv/inbox, as a reader's server would; here, a folder of the test's own.
    const examples = newFilesTrigger.examples.map((example) => ({ ...example, flow: example.flow.replace('/srv/inbox', inbox) }));
    const results = await runExamples({ ...newFilesTrigger, examples }, { packages: [logPlugin] });
    assert.equal(results.length, 1);
    assert.equal(results[0].execution?.trigger?.variables?.name, 'orders-1.csv');
  });
});
