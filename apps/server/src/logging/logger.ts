import pino, { type Logger } from 'pino';

/**
 * JSON logs on stdout (pino). Anything that could carry a secret is redacted by path as a
 * second line of defence; the first is never to log keys and secret values at all.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { pid: process.pid },
      redact: { paths: ['key', '*.key', 'password', '*.password', 'authorization', '*.authorization', 'headers.authorization'], censor: '******' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
