import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy in front of a real server, that a test switches between forwarding, "stopped"
 * (listener closed, every connection cut: the port refuses connections) and "hung" (connections
 * accepted and never answered). Lets tests stop a shared database without touching it.
 */
export class TcpProxy {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  private readonly upstreams = new Set<Socket>();
  /** Each client connection's upstream, while both are open. */
  private readonly pairs = new Map<Socket, Socket>();
  /** While stalled: what each client connection sent and what its upstream answered, held back. */
  private readonly held = new Map<Socket, HeldConnection>();
  private mode: 'forward' | 'hang' | 'stall' = 'forward';

  constructor(
    readonly port: number,
    private readonly target: { host: string; port: number },
  ) {}

  /** Starts (or restarts, after `stop`) listening, forwarding to the target. */
  async start(): Promise<void> {
    this.mode = 'forward';
    if (this.server) return;
    const server = createServer((client) => this.accept(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.server = server;
  }

  /** Closes the listener and cuts every connection: the port refuses connections from now on. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    this.cutAll();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Cuts every connection; new ones are accepted and never answered. */
  hang(): void {
    this.mode = 'hang';
    this.cutAll();
  }

  /**
   * Freezes like a SIGSTOP'ed server: open connections stay open but nothing more is forwarded either way;
   * new connections are accepted and never answered.
   */
  freeze(): void {
    this.mode = 'hang';
    for (const socket of this.sockets) {
      socket.unpipe();
      socket.pause();
    }
  }

  /** Forwards again; connections held while hung or frozen are cut. */
  resume(): void {
    this.mode = 'forward';
    this.cutAll();
  }

  /**
   * Stalls like a database that stops answering (SIGSTOP'ed, or a network that drops nothing but delivers
   * nothing): connections stay open and new ones are accepted, but no byte goes through either way; what is
   * sent is held, in order, for `unstall()`. Unlike `freeze()`, a client hanging up is noticed (its upstream
   * is closed too), as the server's kernel would.
   */
  stall(): void {
    this.mode = 'stall';
    for (const [client, upstream] of this.pairs) this.hold(client, upstream);
  }

  /** Delivers what was held, in order, and forwards again: the stalled server answers everything it was sent. */
  unstall(): void {
    this.mode = 'forward';
    for (const [client, held] of this.held) {
      client.off('data', held.fromClient);
      held.upstream?.off('data', held.fromUpstream);
      const upstream = held.upstream ?? this.connectUpstream(client);
      for (const chunk of held.toUpstream) upstream.write(chunk);
      for (const chunk of held.toClient) client.write(chunk);
      client.pipe(upstream);
      upstream.pipe(client);
    }
    this.held.clear();
  }

  /** Open connections of clients to the proxy (what the app holds to the "database"). */
  get clientConnections(): number {
    return this.sockets.size - this.upstreams.size;
  }

  /** Everything clients sent while stalled and not delivered yet, in order, per connection. */
  heldFromClients(): Buffer[] {
    return [...this.held.values()].map((held) => Buffer.concat(held.toUpstream));
  }

  /** Everything upstreams answered while stalled and not delivered yet, in order, per connection. */
  heldToClients(): Buffer[] {
    return [...this.held.values()].map((held) => Buffer.concat(held.toClient));
  }

  get connections(): number {
    return this.sockets.size;
  }

  /** The local ports of the proxy's connections to the target: the peer ports the target sees (e.g. in `rabbitmqctl list_connections peer_port`). */
  get upstreamPorts(): number[] {
    return [...this.upstreams].flatMap((socket) => (socket.localPort === undefined ? [] : [socket.localPort]));
  }

  private cutAll(): void {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  }

  private accept(client: Socket): void {
    this.track(client);
    if (this.mode === 'hang') return;
    if (this.mode === 'stall') {
      this.hold(client, undefined);
      return;
    }
    const upstream = this.connectUpstream(client);
    client.pipe(upstream);
    upstream.pipe(client);
  }

  private connectUpstream(client: Socket): Socket {
    const upstream = connect(this.target.port, this.target.host);
    this.track(upstream);
    this.upstreams.add(upstream);
    this.pairs.set(client, upstream);
    upstream.on('close', () => {
      this.upstreams.delete(upstream);
      this.pairs.delete(client);
    });
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    return upstream;
  }

  /** Stops forwarding on one connection (its upstream not opened yet when `undefined`), holding what either side sends. */
  private hold(client: Socket, upstream: Socket | undefined): void {
    const held: HeldConnection = {
      upstream,
      toUpstream: [],
      toClient: [],
      fromClient: (chunk) => held.toUpstream.push(chunk),
      fromUpstream: (chunk) => held.toClient.push(chunk),
    };
    this.held.set(client, held);
    client.on('close', () => this.held.delete(client));
    if (upstream) {
      client.unpipe(upstream);
      upstream.unpipe(client);
      upstream.on('data', held.fromUpstream);
      upstream.resume();
    }
    // Reading on (and holding) lets the client's FIN be seen.
    client.on('data', held.fromClient);
    client.resume();
  }
}

interface HeldConnection {
  upstream?: Socket;
  toUpstream: Buffer[];
  toClient: Buffer[];
  fromClient: (chunk: Buffer) => void;
  fromUpstream: (chunk: Buffer) => void;
}

/** A server that accepts TCP connections and never sends a byte. */
export async function startSilentServer(port: number): Promise<{ close: () => Promise<void>; connections: () => number }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    // Reads and drops what the client sends, so that the client hanging up is noticed (a paused socket never sees the FIN).
    socket.resume();
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    connections: () => sockets.size,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
