export {};
//# sourceMappingURL=http-indicator.options.js.map