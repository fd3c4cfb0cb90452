import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { DependsOn } from 'nest-vitals';

/** Token of the dependency's URL (`DEPENDENCY_URL`). */
export const DEPENDENCY_URL = Symbol('DEPENDENCY_URL');

/**
 * A route that needs the HTTP dependency: while its `dependency` check is DOWN it answers 503 with
 * `Retry-After` at once (fail fast), without calling the dependency; every other route keeps serving.
 */
@ApiTags('Dependency')
@Controller('dependency')
export class DependencyController {
  /** Requests the handler of `GET /dependency` has run: it stays still while the route fails fast. */
  private handled = 0;

  constructor(@Inject(DEPENDENCY_URL) private readonly url: string) {}

  @Get()
  @DependsOn('dependency')
  @ApiOkResponse({ schema: { example: { dependencyStatus: 200, handled: 1 } } })
  async call() {
    this.handled++;
    const response = await fetch(this.url, { signal: AbortSignal.timeout(2000) });
    await response.body?.cancel();
    return { dependencyStatus: response.status, handled: this.handled };
  }

  @Get('stats')
  @ApiOkResponse({ schema: { example: { handled: 1 } } })
  stats() {
    return { handled: this.handled };
  }
}
