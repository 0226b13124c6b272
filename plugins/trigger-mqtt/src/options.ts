import type { IClientOptions } from 'mqtt';
import { parseDuration } from '@sluice/core';
import { parseServer, type BrokerAddress } from './server.js';

/** The connection props, as the host renders them. */
export interface ConnectionProps {
  readonly server: string;
  readonly clientId: string;
  readonly mqttVersion?: 'V3' | 'V5';
  readonly connectionTimeout?: string;
  readonly httpsHostnameVerificationEnabled?: boolean;
  readonly username?: string;
  readonly password?: string;
  readonly crt?: string;
}

/** MQTT 5's "the session never expires": a persistent session outlives every disconnect, as MQTT 3's `clean: false`. */
const SESSION_NEVER_EXPIRES = 0xffffffff;
const DEFAULT_CONNECT_TIMEOUT_MS = 30_000;

/** The broker's address and MQTT.js options for one trigger, credentials kept out of the address. */
export interface ResolvedConnection {
  readonly address: BrokerAddress;
  readonly options: IClientOptions;
  /** Values to redact from any message: the password, wherever it was written. */
  readonly secrets: readonly string[];
}

/**
 * MQTT.js options for the props: a persistent session (`clean: false`, and for MQTT 5 a session
 * that never expires) under the fixed `clientId`, so the broker keeps what the trigger has not
 * acknowledged across reconnects and restarts; no automatic reconnect, since the caller drives
 * reconnects with a growing backoff; no automatic resubscribe, since the caller subscribes.
 */
export function resolveConnection(props: ConnectionProps): ResolvedConnection {
  const address = parseServer(props.server);
  const v5 = (props.mqttVersion ?? 'V5') === 'V5';
  const username = props.username ?? address.username;
  const password = props.password ?? address.password;
  const tls = address.protocol === 'mqtts' || address.protocol === 'wss';
  const options: IClientOptions = {
    protocol: address.protocol,
    host: address.host,
    port: address.port,
    ...(address.path === '' ? {} : { path: address.path }),
    clientId: props.clientId,
    protocolVersion: v5 ? 5 : 4,
    clean: false,
    ...(v5 ? { properties: { sessionExpiryInterval: SESSION_NEVER_EXPIRES } } : {}),
    connectTimeout: props.connectionTimeout === undefined ? DEFAULT_CONNECT_TIMEOUT_MS : parseDuration(props.connectionTimeout),
    reconnectPeriod: 0,
    resubscribe: false,
    ...(username === undefined ? {} : { username }),
    ...(password === undefined ? {} : { password }),
    ...(tls && props.crt !== undefined ? { ca: props.crt } : {}),
    ...(tls && props.httpsHostnameVerificationEnabled === false ? { checkServerIdentity: () => undefined } : {}),
  };
  return { address, options, secrets: [password, address.password].filter((s): s is string => s !== undefined && s !== '') };
}

/** The topics as a list, whether one or several were written. */
export function topicList(topic: string | readonly string[]): string[] {
  return typeof topic === 'string' ? [topic] : [...topic];
}
