/** Parses the `field:value` lines of `INFO` or `CLUSTER INFO`; `#` section headers are skipped. */
export function parseRedisInfo(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    if (line === '' || line.startsWith('#')) continue;
    const separator = line.indexOf(':');
    if (separator > 0) fields[line.slice(0, separator)] = line.slice(separator + 1).trim();
  }
  return fields;
}
