// The workspace's own copies of koa, bullmq and ioredis (no new dependencies): resolved from the
// packages that depend on them, so the baseline runs the very versions Sluice runs.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const fromServer = createRequire(join(root, 'apps', 'server', 'package.json'));
const fromBullmq = createRequire(join(root, 'packages', 'runtime-bullmq', 'package.json'));

export const loadKoa = () => fromServer('koa');
export const loadBullmq = () => fromBullmq('bullmq');
export const loadIORedis = () => fromBullmq('ioredis').default ?? fromBullmq('ioredis');
export const versionOf = (name) => (name === 'koa' ? fromServer : fromBullmq)(`${name}/package.json`).version;
// The MQTT client the MQTT trigger plugin runs, for the publisher of the mqtt scenario.
const fromMqttPlugin = createRequire(join(root, 'plugins', 'trigger-mqtt', 'package.json'));
export const loadMqtt = () => fromMqttPlugin('mqtt');
