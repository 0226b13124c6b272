import { natsErrors } from './errors.js';

/** A NATS server address with the credentials taken out of it. */
export interface NatsAddress {
  /** `host:port` as nats.js takes it, and safe to log. */
  readonly server: string;
  readonly user?: string;
  readonly pass?: string;
  /** `nats://token@host` (a user without a password) is Kestra's way of writing a token. */
  readonly token?: string;
  /** `tls://`: the connection must use TLS. */
  readonly tls: boolean;
}

/** Reads `nats://[user:pass@|token@]host[:port]` (also `tls://`). Throws `NATS_INVALID_URL`, never quoting the URL. */
export function parseNatsUrl(url: string): NatsAddress {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    throw natsErrors.NATS_INVALID_URL('not a URL; write it as nats://host:4222');
  }
  const scheme = parsed.protocol.replace(/:$/, '').toLowerCase();
  if (scheme !== 'nats' && scheme !== 'tls') throw natsErrors.NATS_INVALID_URL(`unknown scheme '${scheme}'; use nats:// or tls://`);
  if (parsed.hostname === '') throw natsErrors.NATS_INVALID_URL('the URL has no host');
  const user = parsed.username === '' ? undefined : decodeURIComponent(parsed.username);
  const pass = parsed.password === '' ? undefined : decodeURIComponent(parsed.password);
  return {
    server: `${parsed.hostname}:${parsed.port === '' ? 4222 : parsed.port}`,
    tls: scheme === 'tls',
    ...(user !== undefined && pass === undefined ? { token: user } : {}),
    ...(user !== undefined && pass !== undefined ? { user, pass } : {}),
  };
}
