import { describe, expect, it } from 'vitest';
import { createMemoryRuntime } from '../../../runtime-memory/src/index.js';
import { treeRegistry } from '../../test/fixtures/tree-plugins.js';
import { createExecution } from '../execution/index.js';
import { parseFlow } from '../flow/index.js';
import { mapSecrets } from '../secrets/index.js';
import { createMemoryStorage } from '../storage/index.js';
import { createExecutor } from './index.js';
import { READ_MAX_BYTES } from './read-ahead.js';

const head = 'id: files\nnamespace: company.team\n';

async function runFlow(body: string) {
  const source = head + body;
  const parsed = parseFlow(source, treeRegistry);
  if (!parsed.ok) throw new Error(parsed.errors.map((e) => `${e.line}:${e.column} ${e.code} ${e.path}: ${e.message}`).join('\n'));
  const runtime = createMemoryRuntime();
  const storage = createMemoryStorage();
  const flow = await runtime.flows.save({ ...parsed.flow, source });
  const execution = createExecution({ flow });
  await runtime.executions.create(execution);
  const ended = await createExecutor({ runtime, storage, registry: treeRegistry, secrets: mapSecrets({}) }).run(execution.id, new AbortController().signal);
  const logs = await runtime.logs.list(execution.id);
  await runtime.close();
  const text = (taskId: string, value?: string) => ended.taskRunList.find((r) => r.taskId === taskId && (value === undefined || r.value === value))?.outputs.text;
  return { ended, logs, messages: logs.map((l) => `${l.level} ${l.message}`), text };
}

describe('read() in task templates', () => {
  it("renders a file of the execution's own storage, in props and runIf, and a URI read from another file", async () => {
    const { ended, text } = await runFlow(`tasks:
  - id: write
    type: test.Write
    name: orders.csv
    content: "a,b\\n1,2\\n"
  - id: pointer
    type: test.Write
    name: pointer.txt
    content: "{{ outputs.write.uri }}"
  - id: show
    type: test.Say
    text: "{{ read(outputs.write.uri) | trim }} / {{ read(read(outputs.pointer.uri)) | length }}"
    runIf: "{{ read(outputs.write.uri) | length > 0 }}"
`);
    expect(ended.state.current).toBe('SUCCESS');
    expect(text('show')).toBe('a,b\n1,2 / 8');
    // Only the URI is kept in the execution, not the content.
    expect(ended.taskRunList.find((r) => r.taskId === 'write')?.outputs).toEqual({
      uri: expect.stringMatching(/^kestra:\/\/\/company\/team\/files\/executions\/\w+\/tasks\/write\/\w+\/orders\.csv$/), size: 8,
    });
  });

  it("fails the task, naming the cause, for another execution's file, a namespace file path given by a value, a missing file, and a file over the limit", async () => {
    const { ended, messages } = await runFlow(`tasks:
  - id: big
    type: test.Write
    name: big.txt
    content: "x"
    repeat: ${READ_MAX_BYTES + 1}
  - id: all
    type: test.Par
    tasks:
      - id: foreign
        type: test.Say
        text: "{{ read('kestra:///company/team/files/executions/0000000000000000000000/tasks/t/r/f.csv') }}"
      - id: relative
        type: test.Say
        text: "{{ read(outputs.big.uri | replace({'kestra://': ''})) }}"
      - id: missing
        type: test.Say
        text: "{{ read(outputs.big.uri ~ '.gone') }}"
      - id: large
        type: test.Say
        text: "{{ read(outputs.big.uri) }}"
`);
    expect(ended.state.current).toBe('FAILED');
    expect(messages).toContainEqual(expect.stringMatching(/^ERROR task 'foreign': .*is not a file of execution '\w+': only the execution's own files can be read/));
    expect(messages).toContainEqual(expect.stringMatching(/^ERROR task 'relative': .*is not an internal storage URI: it must start with kestra:\/\/\//));
    expect(messages).toContainEqual(expect.stringMatching(/^ERROR task 'missing': .*no file in internal storage at 'kestra:\/\/\/.*big\.txt\.gone'/));
    expect(messages).toContainEqual(expect.stringMatching(new RegExp(`^ERROR task 'large': .*read\\('kestra:///.*big\\.txt'\\): the file \\(${READ_MAX_BYTES + 1} bytes\\) is larger than ${READ_MAX_BYTES} bytes`)));
  });
});

describe('errorLogs() and currentEachOutput() in task templates', () => {
  it("gives an errors branch the execution's ERROR lines so far, in a runnable task and a flowable's runIf", async () => {
    const { ended, text } = await runFlow(`tasks:
  - id: fine
    type: test.Say
    text: all good
  - id: fail
    type: test.Boom
    message: the payment API answered 503
errors:
  - id: guard
    type: test.Seq
    runIf: "{{ errorLogs() | length > 0 }}"
    tasks:
      - id: alert
        type: test.Say
        text: "{{ errorLogs() | length }} error(s), first from {{ errorLogs()[0].taskId }}: {{ errorLogs()[0].message }}"
`);
    expect(ended.state.current).toBe('FAILED');
    expect(text('alert')).toBe('1 error(s), first from fail: the payment API answered 503');
  });

  it('gives the outputs of a task in the current ForEach iteration, nested loops included', async () => {
    const { ended, text } = await runFlow(`tasks:
  - id: outer
    type: test.Each
    values: ["a", "b"]
    tasks:
      - id: inner
        type: test.Each
        values: ["1", "2"]
        tasks:
          - id: first
            type: test.Say
            text: "{{ parent.taskrun.value }}{{ taskrun.value }}"
          - id: second
            type: test.Say
            text: "after {{ currentEachOutput(outputs.first).text }}"
`);
    expect(ended.state.current).toBe('SUCCESS');
    const seconds = ended.taskRunList.filter((r) => r.taskId === 'second').map((r) => r.outputs.text).sort();
    expect(seconds).toEqual(['after a1', 'after a2', 'after b1', 'after b2']);
    expect(text('first', '2')).toBeDefined();
  });
});
