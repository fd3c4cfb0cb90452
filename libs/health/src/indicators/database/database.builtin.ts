import type { HealthIndicatorOptions } from '../../interfaces/health-indicator.interface.js';
import type { ModuleRef } from '@nestjs/core';
import { HealthOptionsError } from '../../errors/health-options.error.js';
import { OptionalPeerError } from '../../errors/optional-peer.error.js';
import { enabledOr, indicatorFields } from '../../validation/indicator-option-rules.js';
import { arrayOf, nonEmptyString, oneOf, shapeOf } from '../../validation/option-rules.js';
import { builtinEntry, defineBuiltin, sectionOf } from '../builtin-kind.js';
import { databaseCheckName, findDataSources, type NamedDataSource } from './data-source-finder.js';
import { DatabaseHealthIndicator } from './database.indicator.js';
import { SequelizeDatabaseHealthIndicator } from './sequelize.indicator.js';
import { findSequelizeInstances, type NamedSequelize } from './sequelize-finder.js';

/** `database` option of `HealthModule.forRoot`: checks TypeORM DataSources. @publicApi */
export interface DatabaseIndicatorOptions extends HealthIndicatorOptions {
  /** DataSource names to check (`'default'` for the unnamed one). Default: every registered DataSource. */
  dataSources?: string[];
  /** What pending migrations do to the check. Default: ignored. */
  migrations?: 'down' | 'degraded';
}

/** `database`: the app's TypeORM DataSources and Sequelize instances, one check each, found at module init. */
export const databaseBuiltin = defineBuiltin({
  option: 'database',
  rule: enabledOr(
    shapeOf<DatabaseIndicatorOptions>()({
      ...indicatorFields,
      dataSources: arrayOf(nonEmptyString, { nonEmpty: true, unique: true }),
      migrations: oneOf(['down', 'degraded']),
    }),
  ),
  // The DataSources are the app's providers: found at module init, when they exist.
  create: (value: boolean | DatabaseIndicatorOptions | undefined) => sectionOf(value) ?? null,
  register: async (section, _value, moduleRef) => {
    const { dataSources, sequelizes } = await selectDatabases(section, moduleRef);
    const typeormNames = new Set(dataSources.map(({ name }) => name));
    return [
      ...dataSources.map(({ name, dataSource }) =>
        builtinEntry(
          new DatabaseHealthIndicator({ dataSource, dataSourceName: name, migrations: section.migrations }),
          databaseCheckName(name),
          section,
          `HealthModule.forRoot({ database }) for DataSource "${name}"`,
        ),
      ),
      // A Sequelize connection named like a TypeORM DataSource gets a check name of its own.
      ...sequelizes.map(({ name, sequelize }) =>
        builtinEntry(
          new SequelizeDatabaseHealthIndicator({ sequelize, connectionName: name, moduleRef }),
          typeormNames.has(name) ? databaseCheckName(`sequelize-${name}`) : databaseCheckName(name),
          section,
          `HealthModule.forRoot({ database }) for Sequelize "${name}"`,
        ),
      ),
    ];
  },
});

/** The TypeORM DataSources and Sequelize instances `database` checks: every registered one, or those named in `dataSources`. */
async function selectDatabases(
  section: DatabaseIndicatorOptions,
  moduleRef: ModuleRef,
): Promise<{ dataSources: NamedDataSource[]; sequelizes: NamedSequelize[] }> {
  const sequelizes = await findSequelizeInstances(moduleRef);
  let dataSources: NamedDataSource[];
  try {
    dataSources = await findDataSources(moduleRef);
  } catch (error) {
    // typeorm is needed only when the app has no Sequelize instance to check instead.
    if (!(error instanceof OptionalPeerError && error.problem === 'missing' && sequelizes.length > 0)) throw error;
    dataSources = [];
  }
  if (dataSources.length === 0 && sequelizes.length === 0) {
    throw new HealthOptionsError([
      '"database" is switched on, but the app registers no TypeORM DataSource nor Sequelize instance; import TypeOrmModule.forRoot(...) or SequelizeModule.forRoot(...), or provide a DataSource',
    ]);
  }
  if (!section.dataSources) return { dataSources, sequelizes };
  const known = [...new Set([...dataSources, ...sequelizes].map(({ name }) => name))];
  const problems = section.dataSources.flatMap((name, index) =>
    known.includes(name)
      ? []
      : [`"database.dataSources[${index}]" is ${JSON.stringify(name)}, but no DataSource has that name; registered: ${known.join(', ')}`],
  );
  if (problems.length > 0) throw new HealthOptionsError(problems);
  const wanted = (name: string) => section.dataSources!.includes(name);
  return { dataSources: dataSources.filter(({ name }) => wanted(name)), sequelizes: sequelizes.filter(({ name }) => wanted(name)) };
}
