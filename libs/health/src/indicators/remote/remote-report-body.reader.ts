import { MAX_REMOTE_REPORT_BYTES } from './remote-health-report.parser.js';

/** A response body read up to a limit. */
export interface CappedBody {
  /** The body as UTF-8 text, at most `maxBytes` of it. */
  body: string;
  /** True when the body went on past `maxBytes`; the rest was not downloaded. */
  truncated: boolean;
}

/**
 * Reads a `fetch` response's body as text, stopping at `maxBytes` (default `MAX_REMOTE_REPORT_BYTES`) and
 * cancelling the rest, so a huge or endless body costs at most that much memory and time. The request's own
 * abort signal (a timeout) also ends the read. Pass the result to `parseRemoteHealthReport` as `body` and
 * `bodyTruncated`.
 */
export async function readCappedBody(response: Response, maxBytes = MAX_REMOTE_REPORT_BYTES): Promise<CappedBody> {
  if (!response.body) return { body: '', truncated: false };
  // DOM typings leave the chunk type open; a fetch body yields bytes.
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  let truncated = false;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (received + value.byteLength > maxBytes) {
      chunks.push(value.subarray(0, maxBytes - received));
      truncated = true;
      await reader.cancel();
      break;
    }
    chunks.push(value);
    received += value.byteLength;
  }
  return { body: Buffer.concat(chunks).toString('utf8'), truncated };
}
