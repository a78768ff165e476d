import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

const lambdas = path.join(__dirname, '..', '..', 'lambdas');
const clientSide = ['cli', 'client'];

function sourcesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourcesUnder(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

describe('client-side code', () => {
  // The CLI and the SSM client helper pull in the Node credential chain; a Lambda bundle that
  // imported them would carry it (and its cold-start cost) for nothing.
  it('is imported by nothing under lambdas/ that a Lambda bundle could reach', () => {
    const offenders = sourcesUnder(lambdas)
      .filter((file) => !clientSide.includes(path.relative(lambdas, file).split(path.sep)[0] ?? ''))
      .filter((file) => /from\s+['"][./]*(?:\.\.\/)*(?:cli|client)\//.test(readFileSync(file, 'utf8')))
      .map((file) => path.relative(lambdas, file));
    expect(offenders).toEqual([]);
  });
});
