export {};
//# sourceMappingURL=database-indicator.options.js.map