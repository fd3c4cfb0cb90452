import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { remoteFixtureText, type RemoteFixtureName } from './remote-fixtures.js';

/** What a `RemoteHealthServer` answers to every request. */
export interface RemoteHealthAnswer {
  statusCode: number;
  /** Sent as `Content-Type` unless undefined. */
  contentType?: string;
  /** Sent as is when a string (garbage included), else as JSON. */
  body: string | object;
}

/** A request the server received, for assertions on `Accept`, credentials and paths. */
export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

/** The answer a downstream service gives from a fixture file, with the content type its project uses. */
export function fixtureAnswer(name: RemoteFixtureName, statusCode = 200, contentType = CONTENT_TYPES[name]): RemoteHealthAnswer {
  return { statusCode, contentType, body: remoteFixtureText(name) };
}

const CONTENT_TYPES: Record<RemoteFixtureName, string> = {
  'spring-boot-health': 'application/vnd.spring-boot.actuator.v3+json',
  'health-json-draft-example': 'application/health+json',
  'terminus-ok': 'application/json; charset=utf-8',
  'terminus-error': 'application/json; charset=utf-8',
  'nest-vitals-degraded': 'application/json; charset=utf-8',
};

const CHUNK = Buffer.alloc(64 * 1024, 'x');

/** Writes chunk after chunk, as fast as the client reads, until the client goes away. */
function streamForever(response: ServerResponse): void {
  response.writeHead(200, { 'content-type': 'application/json' });
  response.write('{"status":"UP","padding":"');
  const more = () => {
    while (!response.destroyed && response.write(CHUNK));
    if (!response.destroyed) response.once('drain', more);
  };
  response.on('error', () => undefined);
  more();
}

/**
 * A real `node:http` server on loopback standing in for a downstream service: it answers every request with the
 * current answer, which a test switches at run time (`answerWith`) to go DOWN and back, or stops answering
 * altogether (`hang`: the connection is accepted and the request read, but no response ever starts), or
 * sends a body that never ends (`endless`).
 * `close()` destroys open connections, hung ones included.
 */
export class RemoteHealthServer {
  readonly requests: ReceivedRequest[] = [];
  private answer: RemoteHealthAnswer | 'hang' | 'endless';
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    initial: RemoteHealthAnswer | 'hang' | 'endless',
  ) {
    this.answer = initial;
  }

  /** Starts a server answering `initial`, on `port` (default: an ephemeral one) of 127.0.0.1. */
  static async start(initial: RemoteHealthAnswer | 'hang' | 'endless', port = 0): Promise<RemoteHealthServer> {
    const server = createServer();
    const remote = new RemoteHealthServer(server, initial);
    server.on('request', (request, response) => {
      remote.requests.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers });
      const answer = remote.answer;
      if (answer === 'hang') return;
      if (answer === 'endless') return streamForever(response);
      const body = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
      const headers: Record<string, string | number> = { 'content-length': Buffer.byteLength(body) };
      if (answer.contentType !== undefined) headers['content-type'] = answer.contentType;
      response.writeHead(answer.statusCode, headers).end(request.method === 'HEAD' ? undefined : body);
    });
    server.on('connection', (socket) => {
      remote.sockets.add(socket);
      socket.on('close', () => remote.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    return remote;
  }

  get port(): number {
    return (this.server.address() as { port: number }).port;
  }

  /** `http://127.0.0.1:<port>`; any path answers the same. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Answers every later request with `answer`. */
  answerWith(answer: RemoteHealthAnswer): void {
    this.answer = answer;
  }

  /** Accepts every later request and never answers it. */
  hang(): void {
    this.answer = 'hang';
  }

  /** Answers every later request 200 `application/json` with a body that never ends (`{"status":"UP","padding":"xxx...`). */
  endless(): void {
    this.answer = 'endless';
  }

  /** Connections open right now (a hung request keeps one open until the client gives up or `close()`). */
  openConnections(): number {
    return this.sockets.size;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
