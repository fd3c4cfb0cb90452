export {};
//# sourceMappingURL=event-loop-indicator.options.js.map