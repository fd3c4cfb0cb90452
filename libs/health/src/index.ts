export { HealthModule } from './health.module.js';
export { InjectHealthOptions } from './options/health-options.token.js';
export { HealthIndicator } from './decorators/health-indicator.decorator.js';
export { DependsOn } from './route-aware/depends-on.decorator.js';
export type { DependsOnOptions } from './route-aware/depends-on.metadata.js';
export { RouteDependencyError } from './errors/route-dependency.error.js';
export { DependencyUnavailableDto } from './dto/dependency-unavailable.dto.js';
export { RouteEndpointDto } from './dto/route-endpoint.dto.js';
export type { RouteEndpoint } from './interfaces/route-endpoint.interface.js';
export { HealthService, type HealthCheckRequest } from './service/health.service.js';
export type { HealthStatusChange } from './execution/health-events.js';
export { HealthLogEntry, type HealthLogFieldValue } from './logging/health-log-entry.js';
export type { ShutdownHoldRelease } from './lifecycle/shutdown-holds.js';
export { HealthOptionsError } from './errors/health-options.error.js';
export { OptionalPeerError, type OptionalPeerNeed, type OptionalPeerProblem } from './errors/optional-peer.error.js';
export type { ResolvedHealthOptions } from './options/resolved-health-options.js';
export { HealthIndicatorDefinitionError } from './errors/health-indicator-definition.error.js';
export { redact } from './redaction/redactor.js';
export { HealthCheckResultDto } from './dto/health-check-result.dto.js';
export { HealthReportDto, LivenessReportDto, HealthErrorDto } from './dto/health-report.dto.js';
export { ServiceInfoDto } from './dto/service-info.dto.js';
export { HealthJsonReportDto, HealthJsonCheckDto } from './dto/health-json-report.dto.js';
export { addHealthApiKeyAuth, HEALTH_API_KEY_SCHEME, HEALTH_BEARER_SCHEME } from './openapi/health-api-security.js';
export type {
  HealthIndicatorCheck,
  HealthCheckContext,
  BoundHealthIndicator,
  HealthIndicatorOptions,
  IndicatorExecutionOptions,
} from './interfaces/health-indicator.interface.js';
export type { CheckStatus, HealthStatus, Probe, HealthCheckResult, HealthReport, ServiceInfo } from './interfaces/health-status.interface.js';
export type { HealthModuleOptions } from './options/health-module-options.js';
export type {
  HealthModuleExtras,
  DetailsPolicy,
  DetailsRoute,
  RouteExposureOptions,
  ServiceInfoOptions,
  ShutdownOptions,
  MetricsOptions,
  GrpcHealthOptions,
  SimulationOptions,
  DependsOnModuleOptions,
} from './interfaces/health-module-options.interface.js';
export type { CheckSimulation, SimulationRestore } from './simulation/check-simulation.js';
export { HealthSimulationError } from './errors/health-simulation.error.js';
export type { DatabaseIndicatorOptions } from './indicators/database/database.builtin.js';
export type { RedisIndicatorOptions } from './indicators/redis/redis.builtin.js';
export type { HttpIndicatorOptions } from './indicators/http/http.builtin.js';
export type { DiskIndicatorOptions } from './indicators/disk/disk.builtin.js';
export type { MemoryIndicatorOptions, MemoryThreshold } from './indicators/memory/memory.builtin.js';
export type { EventLoopIndicatorOptions } from './indicators/event-loop/event-loop.builtin.js';
export type { TlsIndicatorOptions } from './indicators/tls/tls.builtin.js';
export type { BullmqIndicatorOptions, QueueCountThreshold } from './indicators/bullmq/bullmq.builtin.js';
export { DatabaseHealthIndicator, type DatabaseHealthIndicatorConfig, type TypeOrmDataSource } from './indicators/database/database.indicator.js';
export {
  SequelizeDatabaseHealthIndicator,
  type SequelizeDatabaseHealthIndicatorConfig,
  type SequelizeInstance,
} from './indicators/database/sequelize.indicator.js';
export { RedisHealthIndicator, type RedisHealthIndicatorConfig, type RedisHealthClient } from './indicators/redis/redis.indicator.js';
export { HttpHealthIndicator, type HttpHealthIndicatorConfig } from './indicators/http/http.indicator.js';
export { DiskHealthIndicator, type DiskHealthIndicatorConfig } from './indicators/disk/disk.indicator.js';
export { MemoryHealthIndicator, type MemoryHealthIndicatorConfig } from './indicators/memory/memory.indicator.js';
export { EventLoopHealthIndicator, type EventLoopHealthIndicatorConfig } from './indicators/event-loop/event-loop.indicator.js';
export type { MicroservicesIndicatorOptions } from './indicators/microservices/microservices.builtin.js';
export {
  TransportStatusHealthIndicator,
  type TransportStatusHealthIndicatorConfig,
  type TransportStatusSource,
} from './indicators/microservices/transport-status.indicator.js';
export type { RabbitMqIndicatorOptions } from './indicators/rabbitmq/rabbitmq.builtin.js';
export { RabbitMqHealthIndicator, type RabbitMqHealthConnection, type RabbitMqHealthIndicatorConfig } from './indicators/rabbitmq/rabbitmq.indicator.js';
export type { NatsIndicatorOptions, NatsJetStreamOptions, NatsLagThreshold } from './indicators/nats/nats.builtin.js';
export { NatsHealthIndicator, type NatsHealthConnection, type NatsHealthIndicatorConfig } from './indicators/nats/nats.indicator.js';
export type { MqttIndicatorOptions } from './indicators/mqtt/mqtt.builtin.js';
export { MqttHealthIndicator, type MqttHealthConnection, type MqttHealthIndicatorConfig } from './indicators/mqtt/mqtt.indicator.js';
export { TlsHealthIndicator, type TlsHealthIndicatorConfig } from './indicators/tls/tls.indicator.js';
export {
  BullmqHealthIndicator,
  type BullmqHealthIndicatorConfig,
  type BullmqQueue,
  type BullmqWorker,
  type BullmqRedisClient,
} from './indicators/bullmq/bullmq.indicator.js';
export { inspectPeerCertificate, type PeerCertificateQuery, type PeerCertificateInfo } from './indicators/tls/tls-certificate.js';
export { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
export { HealthProbeServer } from './probe-server/health-probe.server.js';
export { HealthProbeServerError } from './errors/health-probe-server.error.js';
export type { HealthProbeServerOptions } from './interfaces/health-module-options.interface.js';
export { type RuntimeHealthCheck, type UnregisterHealthIndicator } from './service/health.service.js';
export type { HealthGroupOptions } from './interfaces/health-module-options.interface.js';
export type { RemoteIndicatorOptions } from './indicators/remote/remote.builtin.js';
export type { RedirectPolicy } from './interfaces/indicator-options/redirect-policy.js';
export { RemoteHealthIndicator, type RemoteHealthIndicatorConfig } from './indicators/remote/remote.indicator.js';
export type { RemoteReportFormat, RemoteCheckStatus } from './indicators/remote/remote-health-report.parser.js';
export type { DrizzleIndicatorOptions } from './indicators/drizzle/drizzle.builtin.js';
export type { PrismaIndicatorOptions } from './indicators/prisma/prisma.builtin.js';
export type { MikroOrmIndicatorOptions } from './indicators/mikro-orm/mikro-orm.builtin.js';
export type { MongooseIndicatorOptions } from './indicators/mongoose/mongoose.builtin.js';
export { DrizzleHealthIndicator, type DrizzleHealthIndicatorConfig, type DrizzleDatabase, type DrizzleSqlTag } from './indicators/drizzle/drizzle.indicator.js';
export { PrismaHealthIndicator, type PrismaHealthIndicatorConfig, type PrismaClientLike } from './indicators/prisma/prisma.indicator.js';
export { MikroOrmHealthIndicator, type MikroOrmHealthIndicatorConfig, type MikroOrmInstance } from './indicators/mikro-orm/mikro-orm.indicator.js';
export { MongooseHealthIndicator, type MongooseHealthIndicatorConfig, type MongooseConnection } from './indicators/mongoose/mongoose.indicator.js';
