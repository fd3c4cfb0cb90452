import { execFile } from 'node:child_process';

/**
 * Validates with `@apidevtools/swagger-parser` in a plain Node process: the parser is CommonJS that
 * requires an ES module (json-schema-ref-parser), which Node loads natively but Jest's module
 * runtime cannot (before Node 24.9). Resolves with the validator's verdict.
 */
export function validateOpenApi(api: object): Promise<{ valid: boolean; error?: string }> {
  const script = `
    const SwaggerParser = require('@apidevtools/swagger-parser');
    let input = '';
    process.stdin.on('data', (chunk) => (input += chunk)).on('end', () => {
      SwaggerParser.validate(JSON.parse(input)).then(
        () => console.log(JSON.stringify({ valid: true })),
        (error) => console.log(JSON.stringify({ valid: false, error: String(error && error.message) })),
      );
    });`;
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, ['-e', script], { cwd: process.cwd(), timeout: 20_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`swagger-parser process failed: ${error.message}\n${stderr}`));
      else resolve(JSON.parse(stdout.trim().split('\n').pop()!) as { valid: boolean; error?: string });
    });
    child.stdin!.end(JSON.stringify(api));
  });
}
