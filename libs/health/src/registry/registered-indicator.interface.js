export {};
//# sourceMappingURL=registered-indicator.interface.js.map