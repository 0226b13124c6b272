import { describe, expect, it } from 'vitest';
import { isSluiceError } from '@sluice/core';
import { parseServer } from './server.js';
import { backoffMs } from './backoff.js';

describe('parseServer', () => {
  it("maps Kestra's tcp:// and ssl:// to MQTT.js's schemes, with default ports", () => {
    expect(parseServer('tcp://broker:1884')).toMatchObject({ protocol: 'mqtt', host: 'broker', port: 1884, display: 'tcp://broker:1884' });
    expect(parseServer('ssl://broker')).toMatchObject({ protocol: 'mqtts', port: 8883 });
    expect(parseServer('ws://broker:9001')).toMatchObject({ protocol: 'ws', path: '/mqtt' });
    expect(parseServer('wss://broker/ws')).toMatchObject({ protocol: 'wss', port: 443, path: '/ws' });
  });
  it('takes credentials out of the URL and never shows them', () => {
    const address = parseServer('tcp://user%40x:p%3Ass@broker:1883');
    expect(address).toMatchObject({ username: 'user@x', password: 'p:ss', display: 'tcp://broker:1883' });
  });
  it('refuses an unknown scheme or no host with MQTT_INVALID_SERVER, not quoting the URL', () => {
    for (const server of ['http://u:secret@broker', 'broker:1883', 'tcp://']) {
      try {
        parseServer(server);
        expect.unreachable();
      } catch (error) {
        expect(isSluiceError(error, 'MQTT_INVALID_SERVER')).toBe(true);
        expect((error as Error).message).not.toContain('secret');
      }
    }
  });
});

describe('backoffMs', () => {
  it('doubles from half a second up to 30 seconds', () => {
    expect([1, 2, 3, 4, 7, 20].map(backoffMs)).toEqual([500, 1000, 2000, 4000, 30_000, 30_000]);
  });
});
