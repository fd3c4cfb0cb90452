import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { register } from 'prom-client';

/**
 * Prometheus scrape endpoint: prom-client's default registry, where nest-vitals registers its
 * metrics unless given another `metrics.registry`.
 */
@ApiTags('Metrics')
@Controller('metrics')
export class MetricsController {
  @Get()
  @Header('Content-Type', register.contentType)
  @Header('Cache-Control', 'no-store')
  @ApiProduces(register.contentType)
  @ApiOkResponse({
    description: 'Prometheus text exposition format',
    schema: { type: 'string', example: 'health_check_status{check="database",critical="true"} 1' },
  })
  scrape(): Promise<string> {
    return register.metrics();
  }
}
