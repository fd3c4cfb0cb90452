export {};
//# sourceMappingURL=health-module-options.interface.js.map