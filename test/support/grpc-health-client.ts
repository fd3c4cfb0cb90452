import * as grpc from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { setTimeout as sleep } from 'node:timers/promises';

/** The serving statuses as the standard proto names them. */
export type ServingStatusName = 'UNKNOWN' | 'SERVING' | 'NOT_SERVING' | 'SERVICE_UNKNOWN';

interface HealthStub extends grpc.Client {
  Check(
    request: { service: string },
    options: grpc.CallOptions,
    callback: (error: grpc.ServiceError | null, response?: { status: ServingStatusName }) => void,
  ): void;
  Watch(request: { service: string }): grpc.ClientReadableStream<{ status: ServingStatusName }>;
  List(
    request: Record<string, never>,
    options: grpc.CallOptions,
    callback: (error: grpc.ServiceError | null, response?: { statuses: Record<string, { status: ServingStatusName }> }) => void,
  ): void;
}

const definition = loadSync('test/fixtures/grpc/health.proto', { enums: String, defaults: true, keepCase: true });
const loaded = grpc.loadPackageDefinition(definition) as unknown as {
  grpc: { health: { v1: { Health: new (address: string, credentials: grpc.ChannelCredentials) => HealthStub } } };
};

/** What a `Check` call answered: a serving status, or the gRPC status code of its error. */
export type CheckAnswer = { status: ServingStatusName } | { code: grpc.status; details: string };

/** What a `List` call answered: each service's status by name, or the gRPC status code of its error. */
export type ListAnswer = { statuses: Record<string, ServingStatusName> } | { code: grpc.status; details: string };

/** A `Watch` call's messages and how it ended. */
export interface WatchRecording {
  statuses: ServingStatusName[];
  /** Set when the call ended: its gRPC status (OK for a clean end). */
  ended?: { code: grpc.status; details: string };
  cancel: () => void;
}

/** A client of the standard `grpc.health.v1.Health` service, built from the published .proto by @grpc/proto-loader. */
export class GrpcHealthClient {
  private readonly stub: HealthStub;

  constructor(port: number, host = '127.0.0.1') {
    this.stub = new loaded.grpc.health.v1.Health(`${host}:${port}`, grpc.credentials.createInsecure());
  }

  /** The channel, for another service's client on the same connection (as gRPC's client-side health checking does). */
  get channel(): grpc.Channel {
    return this.stub.getChannel() as grpc.Channel;
  }

  list(timeoutMs = 5000): Promise<ListAnswer> {
    return new Promise((resolve) => {
      this.stub.List({}, { deadline: Date.now() + timeoutMs }, (error, response) => {
        if (error) return resolve({ code: error.code, details: error.details });
        const statuses: Record<string, ServingStatusName> = {};
        for (const [service, value] of Object.entries(response!.statuses)) statuses[service] = value.status;
        resolve({ statuses });
      });
    });
  }

  check(service: string, timeoutMs = 5000): Promise<CheckAnswer> {
    return new Promise((resolve) => {
      this.stub.Check({ service }, { deadline: Date.now() + timeoutMs }, (error, response) => {
        resolve(error ? { code: error.code, details: error.details } : { status: response!.status });
      });
    });
  }

  /** Checks until the server answers at all (it may not listen yet, e.g. while the app starts), then returns that answer. */
  async firstAnswer(service: string, timeoutMs = 15_000): Promise<CheckAnswer> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const answer = await this.check(service, 3000);
      const unanswered = 'code' in answer && (answer.code === grpc.status.UNAVAILABLE || answer.code === grpc.status.DEADLINE_EXCEEDED);
      if (!unanswered || performance.now() > deadline) return answer;
      await sleep(50);
    }
  }

  watch(service: string): WatchRecording {
    const call = this.stub.Watch({ service });
    const recording: WatchRecording = { statuses: [], cancel: () => call.cancel() };
    call.on('data', (message: { status: ServingStatusName }) => recording.statuses.push(message.status));
    call.on('status', (status: grpc.StatusObject) => (recording.ended = { code: status.code, details: status.details }));
    // An error is reported through 'status' as well; without a listener it would be thrown.
    call.on('error', () => undefined);
    return recording;
  }

  close(): void {
    this.stub.close();
  }
}
