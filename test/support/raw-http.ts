import { connect } from 'node:net';

export interface RawResponse {
  statusCode: number;
  headers: Record<string, string>;
  /** Every byte after the header block, as sent on the wire (HTTP/1.1, `Connection: close`). */
  rest: Buffer;
}

/**
 * Sends one request over a plain socket and returns what came back, byte for byte. Unlike
 * `fetch`, which drops any body of a HEAD response, this shows whether a body was sent at all.
 */
export function rawRequest(url: string, method: string, headers: Record<string, string> = {}, timeoutMs = 5000): Promise<RawResponse> {
  const target = new URL(url);
  return rawRequestTarget(target.origin, method, `${target.pathname}${target.search}`, headers, timeoutMs);
}

/**
 * Like `rawRequest`, with the request target sent exactly as given (no normalization of `..`, `//`
 * or percent-encoding, as a URL would do), to the server at `origin`.
 */
export function rawRequestTarget(
  origin: string,
  method: string,
  requestTarget: string,
  headers: Record<string, string> = {},
  timeoutMs = 5000,
): Promise<RawResponse> {
  const target = new URL(origin);
  const url = `${origin}${requestTarget}`.slice(0, 200);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: target.hostname, port: Number(target.port) });
    const chunks: Buffer[] = [];
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`${method} ${url}: no complete answer within ${timeoutMs} ms`)));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const raw = Buffer.concat(chunks);
      const end = raw.indexOf('\r\n\r\n');
      if (end < 0) return reject(new Error(`${method} ${url}: no header block in ${JSON.stringify(raw.toString('latin1').slice(0, 200))}`));
      const [statusLine = '', ...headerLines] = raw.subarray(0, end).toString('latin1').split('\r\n');
      const parsed: Record<string, string> = {};
      for (const line of headerLines) {
        const colon = line.indexOf(':');
        parsed[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      resolve({ statusCode: Number(statusLine.split(' ')[1]), headers: parsed, rest: raw.subarray(end + 4) });
    });
    const lines = [`${method} ${requestTarget} HTTP/1.1`, `Host: ${target.host}`, 'Connection: close'];
    for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
    socket.write(`${lines.join('\r\n')}\r\n\r\n`);
  });
}
