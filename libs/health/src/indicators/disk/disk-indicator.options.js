export {};
//# sourceMappingURL=disk-indicator.options.js.map