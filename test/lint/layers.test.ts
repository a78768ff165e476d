import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

/**
 * The layer rules (eslint.layers.mjs) on probe files: each forbidden edge fails with its
 * reason, and the edges the layers allow pass. One ESLint process lints every probe, through
 * ESLint's own API, with the layers file alone.
 */
interface Probe {
  readonly file: string;
  readonly from: string;
  /** The rule's message, or undefined when the import is allowed. */
  readonly refused?: RegExp;
  /** `import type`: a kind may name an engine's interfaces; the core may not name the store. */
  readonly typeOnly?: boolean;
}

const probes: readonly Probe[] = [
  { file: 'lambdas/store/probe.ts', from: '../collector/collector', refused: /The store is below the engines/ },
  { file: 'lambdas/store/probe.ts', from: '../sources/run-command/records', refused: /The store never imports a history kind/ },
  { file: 'lambdas/store/probe.ts', from: '../core/model' },
  { file: 'lambdas/store/probe.ts', from: '../sources/event-fields', refused: /The store never imports a history kind/ },
  { file: 'lambdas/core/probe.ts', from: '../store/record-store', refused: /The core is below everything: it never imports the store/ },
  { file: 'lambdas/core/probe.ts', from: '../store/record-store', typeOnly: true, refused: /The core is below everything: it never imports the store/ },
  { file: 'lambdas/core/probe.ts', from: '../sources/event-fields', refused: /The core is below everything: it never imports a history kind/ },
  { file: 'lambdas/core/probe.ts', from: '../collector/collector', refused: /The core is below everything/ },
  { file: 'lambdas/core/probe.ts', from: './status' },
  { file: 'lambdas/core/probe.ts', from: './table-schema' },
  { file: 'lambdas/sources/automation/probe.ts', from: '../run-command/records', refused: /never imports another kind/ },
  { file: 'lambdas/sources/automation/probe.ts', from: '../../collector/collector', refused: /never imports an engine/ },
  { file: 'lambdas/sources/automation/probe.ts', from: '../../query/archive-reader', refused: /never imports an engine/ },
  { file: 'lambdas/sources/automation/probe.ts', from: '../../query/archive-reader', typeOnly: true },
  { file: 'lambdas/sources/automation/probe.ts', from: '../run-command/tables', typeOnly: true, refused: /never imports another kind/ },
  { file: 'lambdas/sources/automation/probe.ts', from: '../../core/model' },
  { file: 'lambdas/sources/automation/probe.ts', from: '../../core/table-schema' },
  { file: 'lambdas/store/probe.ts', from: '../sources/tables', refused: /The store never imports a history kind/ },
  { file: 'lambdas/collector/probe.ts', from: '../../local/ssm-simulator', refused: /runs in a Lambda never imports local mode/ },
  { file: 'lambdas/collector/probe.ts', from: '../alerts/failure-alerts' },
  { file: 'lambdas/alerts/probe.ts', from: '../query/views/execution-items', refused: /The alerts engine never imports another engine/ },
  { file: 'lambdas/query/probe.ts', from: '../collector/collector', refused: /The query engine never imports another engine/ },
  { file: 'lambdas/handlers/probe.ts', from: '../collector/collector' },
  { file: 'lambdas/query/views/probe.ts', from: '../../../cli/table', refused: /runs in a Lambda never imports local mode/ },
  { file: 'lambdas/query/probe.ts', from: '../../test/support/databases', refused: /never imports test code/ },
  { file: 'lib/probe.ts', from: '../test/infrastructure/synthesized', refused: /never imports test code/ },
  { file: 'local/probe.ts', from: '../lambdas/collector/collector' },
  { file: 'local/probe.ts', from: '../test/support/databases', refused: /never imports test code/ },
  { file: 'console/app/probe.ts', from: '../../lambdas/core/execution-item', typeOnly: true },
  { file: 'console/app/probe.ts', from: '../../lambdas/core/execution-item', refused: /takes only types from lambdas\/core/ },
  { file: 'console/app/probe.ts', from: '../../lambdas/query/views/status', typeOnly: true, refused: /the server's code is not in its bundle/ },
  { file: 'console/app/probe.ts', from: '../assets', refused: /the server's code is not in its bundle/ },
  { file: 'console/app/probe.ts', from: './router' },
];

const root = path.join(__dirname, '..', '..');
const script = `
const { ESLint } = require('eslint');
(async () => {
  const eslint = new ESLint({ cwd: process.cwd(), overrideConfigFile: 'eslint.layers.mjs' });
  const probes = JSON.parse(process.argv[1]);
  const out = [];
  for (const probe of probes) {
    const code = probe.typeOnly ? "import type { X } from '" + probe.from + "';\\nexport type Y = X;\\n" : "import { x } from '" + probe.from + "';\\nexport const y = x;\\n";
    const [result] = await eslint.lintText(code, { filePath: probe.file });
    out.push(result.messages.map((m) => (m.ruleId ?? 'parse') + ': ' + m.message));
  }
  process.stdout.write(JSON.stringify(out));
})();
`;

describe('the layer rules', () => {
  it('refuse each cross-layer import with its reason, and allow the layers\' own edges', () => {
    const messages = JSON.parse(execFileSync(process.execPath, ['-e', script, JSON.stringify(probes)], { cwd: root, encoding: 'utf8' })) as string[][];
    probes.forEach((probe, i) => {
      const found = messages[i] ?? [];
      if (probe.refused === undefined) expect({ ...probe, found }).toEqual({ ...probe, found: [] });
      else expect({ ...probe, found }).toEqual({ ...probe, found: [expect.stringMatching(new RegExp(`^(@typescript-eslint/)?no-restricted-imports: .*${probe.refused.source}`))] });
    });
  });
});
