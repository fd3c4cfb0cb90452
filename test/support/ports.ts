import { createServer } from 'node:net';

/** The loopback ports the built-in indicator suites may use. */
const RANGE = { from: 17000, to: 17099 };
const handedOut = new Set<number>();

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

/**
 * A port of the range that nothing listens on, never the same twice in one process. Picked at
 * random among the free ones, so that two runs of the suite at once rarely reach for the same port.
 * The benchmark passes a range of its own, apart from the suites'.
 */
export async function allocatePort(range: { from: number; to: number } = RANGE): Promise<number> {
  const candidates: number[] = [];
  for (let port = range.from; port <= range.to; port++) if (!handedOut.has(port)) candidates.push(port);
  while (candidates.length > 0) {
    const [port] = candidates.splice(Math.floor(Math.random() * candidates.length), 1);
    if (await isFree(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error(`no free port left in ${range.from}-${range.to}`);
}
