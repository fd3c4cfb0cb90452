export {};
//# sourceMappingURL=health-indicator.interface.js.map