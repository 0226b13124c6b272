import type { Options } from 'amqplib';
import { passwordForms, type SluiceError } from '@sluice/core';
import { amqpErrors } from './errors.js';

/** Where to connect, as `amqplib` takes it: an object, so the password never sits in a URL string. */
export interface AmqpTarget {
  readonly connect: Options.Connect;
  /** `amqp://host:port/vhost`, without user or password: what logs and errors show. */
  readonly display: string;
  /** Strings to blank out of any text that reaches a log (the password, raw and URL-encoded). */
  readonly secrets: readonly string[];
}

/** The connection props of the trigger, rendered. */
export interface ConnectionProps {
  readonly url?: string;
  readonly host?: string;
  readonly port?: string | number;
  readonly username?: string;
  readonly password?: string;
  readonly virtualHost?: string;
}

const SCHEMES = new Set(['amqp:', 'amqps:']);
const DEFAULT_PORTS: Readonly<Record<string, number>> = { 'amqp:': 5672, 'amqps:': 5671 };
const HAS_TEMPLATE = /\{[{%]/;

/**
 * What is wrong with the connection props as written, for the save-time check: `host` and `url`
 * together or neither, a URL that does not parse or has another scheme. A field holding a
 * template is checked once rendered, by {@link resolveTarget}.
 */
export function connectionProblems(props: ConnectionProps): { path: string; message: string }[] {
  if (props.host !== undefined && props.url !== undefined) return [{ path: 'url', message: amqpErrors.AMQP_HOST_AND_URL().message }];
  if (props.host === undefined && props.url === undefined) return [{ path: 'host', message: amqpErrors.AMQP_NO_HOST().message }];
  if (props.url === undefined || HAS_TEMPLATE.test(props.url)) return [];
  const problem = urlError(props.url);
  return problem === undefined ? [] : [{ path: 'url', message: problem.message }];
}

function urlError(text: string): SluiceError | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    // The URL is not echoed: it may carry a password.
    return amqpErrors.AMQP_URL_INVALID();
  }
  if (!SCHEMES.has(url.protocol)) return amqpErrors.AMQP_URL_SCHEME(url.protocol.replace(/:$/, ''));
  if (url.hostname === '') return amqpErrors.AMQP_URL_INVALID();
  return undefined;
}

/**
 * The connection target of rendered props. Kestra's defaults: port 5672, virtual host `/`, and
 * (as its Java client) user and password `guest`. Throws `AMQP_URL_SCHEME` or `AMQP_URL_INVALID`
 * (never echoing the URL) when a rendered `url` is not an AMQP URL.
 */
export function resolveTarget(props: ConnectionProps): AmqpTarget {
  if (props.url !== undefined && props.host === undefined) return fromUrl(props.url);
  const password = props.password ?? 'guest';
  const connect: Options.Connect = {
    protocol: 'amqp',
    hostname: props.host ?? 'localhost',
    port: Number(props.port ?? 5672),
    username: props.username ?? 'guest',
    password,
    vhost: props.virtualHost ?? '/',
  };
  return { connect, display: display(connect), secrets: passwordForms(password) };
}

function fromUrl(text: string): AmqpTarget {
  const problem = urlError(text);
  if (problem !== undefined) throw problem;
  const url = new URL(text);
  const password = decodeURIComponent(url.password) || 'guest';
  // As in the AMQP URI spec, the path is the virtual host, URL-encoded (`/%2F` is `/`); none is `/`.
  const path = url.pathname.replace(/^\//, '');
  const connect: Options.Connect = {
    protocol: url.protocol.replace(/:$/, ''),
    hostname: url.hostname,
    port: url.port === '' ? DEFAULT_PORTS[url.protocol] : Number(url.port),
    username: decodeURIComponent(url.username) || 'guest',
    password,
    vhost: path === '' ? '/' : decodeURIComponent(path),
  };
  return { connect, display: display(connect), secrets: passwordForms(password) };
}

function display(connect: Options.Connect): string {
  return `${connect.protocol}://${connect.hostname}:${connect.port}/${encodeURIComponent(connect.vhost ?? '/')}`;
}

