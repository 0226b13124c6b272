// Small HTTP helpers for the runner's own requests (checks and /metrics polling, never load).
import http from 'node:http';

const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });

// A kept-alive socket the server closed as idle (its keepAliveTimeout, 5 s in Node) can be picked
// for the next request in the same instant: the request then fails with ECONNRESET although the
// server never saw it. Node's documented remedy: send such a request again, once, on a new socket.
// Rounds of other stacks leave this agent's sockets idle for longer than that.
export async function request(url, options = {}) {
  try {
    return await requestOnce(url, options);
  } catch (error) {
    if (error?.code !== 'ECONNRESET' || !error.reusedSocket || (options.method ?? 'GET') !== 'GET') throw error;
    return requestOnce(url, options);
  }
}

function requestOnce(url, { method = 'GET', headers = {}, body, timeoutMs = 5000 } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, agent }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`timeout after ${timeoutMs} ms: ${method} ${url}`)));
    req.on('error', (error) => {
      error.reusedSocket = req.reusedSocket;
      reject(error);
    });
    req.end(body);
  });
}

export async function getJson(url, headers) {
  const res = await request(url, { headers });
  if (res.status !== 200) throw new Error(`GET ${url}: ${res.status} ${res.text.slice(0, 200)}`);
  return JSON.parse(res.text);
}

export function closeAgent() {
  agent.destroy();
}
