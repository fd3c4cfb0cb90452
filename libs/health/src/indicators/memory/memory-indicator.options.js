export {};
//# sourceMappingURL=memory-indicator.options.js.map