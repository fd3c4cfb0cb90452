export {};
//# sourceMappingURL=redis-indicator.options.js.map