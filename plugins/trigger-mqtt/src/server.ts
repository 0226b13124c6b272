import { mqttErrors } from './errors.js';

/** Kestra's schemes (Paho's `tcp`/`ssl`), MQTT.js's own, and MQTT over WebSocket. */
const SCHEMES: Readonly<Record<string, 'mqtt' | 'mqtts' | 'ws' | 'wss'>> = {
  tcp: 'mqtt',
  mqtt: 'mqtt',
  ssl: 'mqtts',
  mqtts: 'mqtts',
  ws: 'ws',
  wss: 'wss',
};
const DEFAULT_PORTS = { mqtt: 1883, mqtts: 8883, ws: 80, wss: 443 } as const;

/** The broker address, with any credentials taken out of it. */
export interface BrokerAddress {
  readonly protocol: 'mqtt' | 'mqtts' | 'ws' | 'wss';
  readonly host: string;
  readonly port: number;
  /** The WebSocket path (`/mqtt`); empty for TCP. */
  readonly path: string;
  /** From `user:pass@` in the URL, if written there. */
  readonly username?: string;
  readonly password?: string;
  /** `scheme://host:port`, safe to log: never the credentials. */
  readonly display: string;
}

/**
 * Reads `server` (`tcp://host:1883`, `ssl://host:8883`, `mqtt://`, `mqtts://`, `ws://`,
 * `wss://`). Throws `MQTT_INVALID_SERVER`, whose message never repeats the URL (it may hold a
 * password).
 */
export function parseServer(server: string): BrokerAddress {
  let url: URL;
  try {
    url = new URL(server.trim());
  } catch {
    throw mqttErrors.MQTT_INVALID_SERVER('not a URL; write it as tcp://host:1883 or ssl://host:8883');
  }
  const scheme = url.protocol.replace(/:$/, '').toLowerCase();
  const protocol = SCHEMES[scheme];
  if (protocol === undefined) {
    throw mqttErrors.MQTT_INVALID_SERVER(`unknown scheme '${scheme}'; use one of ${Object.keys(SCHEMES).map((s) => `${s}://`).join(', ')}`);
  }
  if (url.hostname === '') throw mqttErrors.MQTT_INVALID_SERVER('the URL has no host');
  const port = url.port === '' ? DEFAULT_PORTS[protocol] : Number(url.port);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return {
    protocol,
    host,
    port,
    // MQTT.js's and most brokers' WebSocket path when the URL names none.
    path: protocol === 'ws' || protocol === 'wss' ? (url.pathname === '' || url.pathname === '/' ? '/mqtt' : url.pathname) : '',
    ...(url.username === '' ? {} : { username: decodeURIComponent(url.username) }),
    ...(url.password === '' ? {} : { password: decodeURIComponent(url.password) }),
    display: `${scheme}://${url.host}`,
  };
}
