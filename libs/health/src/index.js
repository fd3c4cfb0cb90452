export { HealthModule } from './health.module.js';
export { HEALTH_MODULE_OPTIONS, InjectHealthOptions } from './health.module-definition.js';
export { HealthIndicator } from './decorators/health-indicator.decorator.js';
export { HealthService } from './health.service.js';
export { HealthOptionsError } from './options/health-options.validator.js';
export { HealthIndicatorDefinitionError } from './registry/health-indicator.registry.js';
export { redact } from './redaction/redactor.js';
export { HealthCheckResultDto } from './dto/health-check-result.dto.js';
export { HealthReportDto, LivenessReportDto, HealthErrorDto } from './dto/health-report.dto.js';
export { ServiceInfoDto } from './dto/service-info.dto.js';
export { HealthIndicatorService } from '@nestjs/terminus';
//# sourceMappingURL=index.js.map