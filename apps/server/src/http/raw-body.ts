import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';

/** Thrown when a body passes the limit; the route answers 413. */
export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`request body is larger than ${limit} bytes`);
  }
}

/**
 * The client went away before its body was whole (it aborted the upload, or its connection
 * reset). Nobody is left to answer and nothing is wrong with the server, so it is logged once,
 * at debug, without a stack: anyone can cause it, and an ERROR line each time would let anyone
 * fill the error log.
 */
export class ClientAbortedError extends Error {
  constructor() {
    super('the client aborted the request before its body was complete');
  }
}

/**
 * Reads the exact bytes of a request body, refusing it as soon as it passes `limit`: from the
 * Content-Length header before reading anything, or while streaming when there is none
 * (chunked), so a large body is never buffered whole. Nothing is parsed here; triggers get
 * the raw bytes, which a signature check needs.
 */
export async function readRawBody(req: IncomingMessage, limit: number): Promise<Uint8Array> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) {
    req.resume();
    throw new BodyTooLargeError(limit);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onAborted);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        // Stop buffering but keep the socket: the 413 still has to be written. The caller
        // sends it with `Connection: close`, so the rest of the body is never read.
        cleanup();
        req.pause();
        reject(new BodyTooLargeError(limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    };
    // Node reports an aborted upload as 'aborted' and as an 'error' (ECONNRESET); one rejection
    // for both, since the first one cleans up.
    const onError = (error: NodeJS.ErrnoException): void => {
      cleanup();
      reject(req.destroyed || error.code === 'ECONNRESET' ? new ClientAbortedError() : error);
    };
    const onAborted = (): void => {
      cleanup();
      reject(new ClientAbortedError());
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onAborted);
  });
}

/**
 * A lingering close (as nginx does) for an answer sent before the request was read, the 413.
 * Node closes the socket as soon as such an answer is out; closing with unread bytes makes the
 * kernel reset the connection, and the reset can destroy the answer before the client reads
 * it, so a client still uploading sees "connection reset" rather than 413. Instead: half-close
 * after the answer, read and drop whatever still comes for at most `ms`, then close. Nothing is
 * kept, so memory stays bounded. Should Node stop closing through `destroySoon`, this is simply
 * not used and the connection closes as before.
 */
export function lingerOnClose(socket: Socket, ms = 2000): void {
  socket.destroySoon = function lingering(this: Socket): void {
    if (this.writable) this.end();
    const timer = setTimeout(() => this.destroy(), ms);
    timer.unref();
    this.once('close', () => clearTimeout(timer));
    // The client closed its side: nothing more will come.
    this.once('end', () => this.destroy());
    this.resume();
  };
}
