import { Controller, Get, Module, type DynamicModule } from '@nestjs/common';

/** (a) The framework's limit: a Nest route that answers `{"status":"UP"}` and does nothing else. */
@Controller('health')
class BareController {
  @Get('live')
  live(): { status: string } {
    return { status: 'UP' };
  }

  @Get('ready')
  ready(): { status: string } {
    return { status: 'UP' };
  }
}

@Module({})
export class BareAppModule {
  static register(): DynamicModule {
    return { module: BareAppModule, controllers: [BareController] };
  }
}
