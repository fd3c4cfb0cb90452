import { connect } from 'node:net';

/** The real services the suite talks to, on loopback. */
export const SERVICES = {
  postgres: { host: '127.0.0.1', port: 5432, url: 'postgres://postgres@127.0.0.1:5432/test' },
  mariadb: { host: '127.0.0.1', port: 3306, url: 'mysql://root@127.0.0.1:3306/test' },
  redis: { host: '127.0.0.1', port: 6379, url: 'redis://127.0.0.1:6379' },
} as const;

function reachable(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * Fails loudly when a service the test needs is not running: tests never skip.
 * `.ci/run` starts every service before the suite.
 */
export async function requireService(name: keyof typeof SERVICES): Promise<void> {
  const { host, port } = SERVICES[name];
  if (!(await reachable(host, port))) {
    throw new Error(`${name} is not reachable on ${host}:${port}; start it (see .ci/run) before running the suite`);
  }
}
