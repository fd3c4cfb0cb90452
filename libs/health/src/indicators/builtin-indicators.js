/**
 * Creates the built-in indicators the options switch on. Each is a `@HealthIndicator` class; its
 * optional peer (typeorm, ioredis) is imported only here, only when switched on.
 */
export async function createBuiltinIndicators(_options, _moduleRef) {
    return [];
}
//# sourceMappingURL=builtin-indicators.js.map