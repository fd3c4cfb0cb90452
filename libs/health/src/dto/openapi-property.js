export {};
//# sourceMappingURL=openapi-property.js.map