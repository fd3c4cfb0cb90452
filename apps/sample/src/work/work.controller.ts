import { BadRequestException, Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import { setTimeout as sleep } from 'node:timers/promises';

/** A deliberately slow request, to watch in-flight requests complete while the app drains on SIGTERM. */
@ApiTags('Work')
@Controller('work')
export class WorkController {
  @Get()
  @ApiQuery({ name: 'ms', required: false, description: 'How long the work takes (0-10000 ms)', example: 500 })
  @ApiOkResponse({ schema: { example: { done: true, tookMs: 500 } } })
  async work(@Query('ms') ms = '500') {
    const duration = Number(ms);
    if (!Number.isInteger(duration) || duration < 0 || duration > 10_000) {
      throw new BadRequestException('ms must be an integer from 0 to 10000');
    }
    await sleep(duration);
    return { done: true, tookMs: duration };
  }
}
