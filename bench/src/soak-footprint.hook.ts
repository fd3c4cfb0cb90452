// Loaded into the sample app's process by the soak scenario (`node --expose-gc --import <this file> main.js`, forked
// with an IPC channel): answers the harness's "footprint" question with the heap used after two full GCs and the
// process's active resources (`process.getActiveResourcesInfo()`: sockets, servers, timers…). The app is unchanged.
process.channel?.unref();
process.on('message', (message: unknown) => {
  if (message !== 'footprint') return;
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  const resources: Record<string, number> = {};
  for (const resource of process.getActiveResourcesInfo()) resources[resource] = (resources[resource] ?? 0) + 1;
  process.send?.({ type: 'footprint', heapUsed: process.memoryUsage().heapUsed, resources });
});
