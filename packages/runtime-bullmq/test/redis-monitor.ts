import { connect, type Socket } from 'node:net';

/**
 * Redis's MONITOR on a plain socket, for tests that assert which commands the runtime sends.
 *
 * Not ioredis's `monitor()`: it marks its connection as monitoring one promise tick after MONITOR's
 * `+OK`, so when Redis is busy (the unit files share it, two at a time) the first command line
 * can arrive in the same read as that `+OK`, and ioredis throws "Command queue state error" out
 * of its socket handler, failing whichever test is running. Here every line after the `+OK` is a
 * command, whatever read it came in.
 */
export interface RedisMonitor {
  /** Every command seen since MONITOR was acknowledged, its name and arguments decoded as UTF-8. */
  readonly commands: readonly (readonly string[])[];
  /** Forgets what was seen so far. */
  clear(): void;
  /** Closes the socket. */
  close(): void;
}

/** Opens a MONITOR on `redisUrl` and resolves once Redis has acknowledged it. */
export function monitorRedis(redisUrl: string): Promise<RedisMonitor> {
  const url = new URL(redisUrl);
  const preamble: string[][] = [];
  if (url.password !== '') preamble.push(url.username === '' ? ['AUTH', decodeURIComponent(url.password)] : ['AUTH', decodeURIComponent(url.username), decodeURIComponent(url.password)]);
  preamble.push(['MONITOR']);
  const socket = connect({ host: url.hostname, port: Number(url.port || 6379) });
  const commands: string[][] = [];
  return new Promise((resolve, reject) => {
    let pendingAcks = preamble.length;
    let buffered = '';
    const fail = (error: Error): void => {
      socket.destroy();
      reject(error);
    };
    socket.once('error', fail);
    socket.on('connect', () => socket.write(preamble.map(encodeCommand).join('')));
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      let end: number;
      while ((end = buffered.indexOf('\r\n')) >= 0) {
        const line = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        if (pendingAcks > 0) {
          if (line !== '+OK') return fail(new Error(`Redis refused the monitor: ${line}`));
          pendingAcks -= 1;
          if (pendingAcks === 0) {
            socket.off('error', fail);
            socket.on('error', () => undefined);
            resolve(handle(socket, commands));
          }
        } else if (line.startsWith('+')) {
          commands.push(parseMonitorLine(line.slice(1)));
        }
      }
    });
  });
}

function handle(socket: Socket, commands: string[][]): RedisMonitor {
  return {
    commands,
    clear: () => void commands.splice(0),
    close: () => void socket.destroy(),
  };
}

function encodeCommand(args: readonly string[]): string {
  return `*${args.length}\r\n${args.map((arg) => `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`).join('')}`;
}

const ESCAPES: Readonly<Record<string, number>> = { n: 0x0a, r: 0x0d, t: 0x09, a: 0x07, b: 0x08, '"': 0x22, '\\': 0x5c };

/**
 * One MONITOR line without its `+`: `<time> [<db> <client>] "name" "arg" ...`, each argument
 * quoted by Redis's `sdscatrepr` (printable ASCII as is, `\\`, `\"`, `\n`, `\r`, `\t`, `\a`, `\b`,
 * every other byte as `\xhh`). The line arrives as latin1, one character per byte.
 */
export function parseMonitorLine(line: string): string[] {
  const args: string[] = [];
  let i = line.indexOf('] ');
  if (i < 0) throw new Error(`not a MONITOR line: ${line}`);
  i += 2;
  while (i < line.length) {
    if (line[i] === ' ') {
      i += 1;
      continue;
    }
    if (line[i] !== '"') throw new Error(`unquoted argument at ${i} of a MONITOR line: ${line}`);
    i += 1;
    const bytes: number[] = [];
    while (line[i] !== '"') {
      if (i >= line.length) throw new Error(`unterminated argument in a MONITOR line: ${line}`);
      if (line[i] === '\\') {
        const next = line[i + 1] ?? '';
        if (next === 'x') {
          bytes.push(Number.parseInt(line.slice(i + 2, i + 4), 16));
          i += 4;
        } else if (next in ESCAPES) {
          bytes.push(ESCAPES[next] as number);
          i += 2;
        } else {
          throw new Error(`unknown escape \\${next} in a MONITOR line: ${line}`);
        }
      } else {
        bytes.push(line.charCodeAt(i));
        i += 1;
      }
    }
    i += 1;
    args.push(Buffer.from(bytes).toString('utf8'));
  }
  return args;
}
