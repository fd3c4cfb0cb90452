import type { InjectionToken } from '@nestjs/common';
import type { HealthIndicatorOptions } from '../health-indicator.interface.js';

/**
 * `drizzle` option of `HealthModule.forRoot`: the app's Drizzle databases, by the injection token the app
 * provides each under (`{ provide: DRIZZLE, useFactory: () => drizzle(pool) }`).
 * @publicApi
 */
export interface DrizzleIndicatorOptions extends HealthIndicatorOptions {
  /** One token (check `drizzle`), or tokens by name (checks `drizzle-<name>`). */
  db: InjectionToken | Record<string, InjectionToken>;
}

/**
 * `prisma` option of `HealthModule.forRoot`: the app's PrismaClient(s), by class (a `PrismaService extends
 * PrismaClient` provider) or injection token.
 * @publicApi
 */
export interface PrismaIndicatorOptions extends HealthIndicatorOptions {
  /** One class or token (check `prisma`), or several by name (checks `prisma-<name>`). */
  client: InjectionToken | Record<string, InjectionToken>;
}

/**
 * `mikroOrm` option of `HealthModule.forRoot`: every `MikroORM` instance `@mikro-orm/nestjs` registers
 * (check `mikro-orm` for the default context, `mikro-orm-<contextName>` for the others). Needs Node.js
 * 22.17 or later (MikroORM 7).
 * @publicApi
 */
export interface MikroOrmIndicatorOptions extends HealthIndicatorOptions {
  /** Context names to check (`'default'` for the unnamed one). Default: every instance. */
  contexts?: string[];
}

/**
 * `mongoose` option of `HealthModule.forRoot`: every Mongoose connection `@nestjs/mongoose` registers
 * (check `mongoose` for the default connection, `mongoose-<connectionName>` for named ones).
 * @publicApi
 */
export interface MongooseIndicatorOptions extends HealthIndicatorOptions {
  /** Connection names to check (`'default'` for the unnamed one). Default: every connection. */
  connections?: string[];
}
