import { describe, expect, it } from 'vitest';
import { registryWith, saveProblems } from '../test/save-time.js';
import { amqpRealtimeTrigger } from './amqp.trigger.js';

const registry = registryWith(amqpRealtimeTrigger);
const flow = (props: string) =>
  `id: f\nnamespace: company.team\ntasks:\n  - id: a\n    type: io.kestra.plugin.core.log.Log\n    message: hi\ntriggers:\n  - id: q\n    type: io.kestra.plugin.amqp.RealtimeTrigger\n    queue: orders\n${props}`;
// Only the trigger's problems: the Log task of the flow is not in this registry.
const problems = (props: string) => saveProblems(flow(props), registry).filter((line) => line.includes('triggers[0]'));

describe('AMQP RealtimeTrigger props at save', () => {
  it('accepts host and port as Kestra writes them, templates, and the deprecated url', () => {
    expect(problems('    host: localhost\n    port: "5672"\n    username: guest\n    password: "{{ secret(\'RABBITMQ_PASSWORD\') }}"\n')).toEqual([]);
    expect(problems('    url: amqps://user:pw@rabbit.example.com/prod\n')).toEqual([]);
    expect(problems('    url: "{{ secret(\'AMQP_URL\') }}"\n')).toEqual([]);
  });

  it('refuses an unknown URL scheme without echoing the URL, at its line', () => {
    expect(problems('    url: mqtt://user:hunter2@localhost:1883\n')).toEqual([
      "11:10 FLOW_INVALID_PROPS triggers[0].url: unsupported URL scheme 'mqtt': use amqp:// or amqps://",
    ]);
    expect(problems('    url: "not a url hunter2"\n')).toEqual([
      '11:10 FLOW_INVALID_PROPS triggers[0].url: not a URL: write amqp://[user[:password]@]host[:port][/virtualHost]',
    ]);
  });

  it('refuses host with url, neither of them, autoAck true and a prefetch out of range', () => {
    expect(problems('    host: localhost\n    url: amqp://localhost\n')).toEqual([
      "12:10 FLOW_INVALID_PROPS triggers[0].url: set either 'host' (with port, username, password, virtualHost) or the deprecated 'url', not both",
    ]);
    expect(problems('')).toEqual([expect.stringMatching(/^8:5 FLOW_INVALID_PROPS triggers\[0\]\.host: set 'host'/)]);
    expect(problems('    host: localhost\n    autoAck: true\n')).toEqual([expect.stringMatching(/^12:14 FLOW_INVALID_PROPS triggers\[0\]\.autoAck: /)]);
    expect(problems('    host: localhost\n    prefetch: 0\n')).toEqual([expect.stringMatching(/^12:15 FLOW_INVALID_PROPS triggers\[0\]\.prefetch: /)]);
  });
});
