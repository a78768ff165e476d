// The layers of the code base as lint rules: eslint.config.mjs applies them with the rest;
// test/lint/layers.test.ts lints probe imports with this file alone (no type information
// needed), to show each rule fails a cross-layer import.
import tseslint from 'typescript-eslint';

/**
 * The layers, as import rules (`no-restricted-imports`, one entry per folder: ESLint applies
 * the last matching entry of a rule, so the folders below never overlap). Lower layers never
 * import higher ones:
 *   core             <- the model every layer shares (kinds, observations, work items, ids, statuses, table declarations)
 *   store            <- the record store: imports the core, never a kind or an engine
 *   sources/<kind>   <- one history kind (its tables, views and SSM operations included): never another
 *                       kind, never an engine's code (it names the engine interfaces it implements, as types)
 *   engines          <- collector, polling, query, alerts (what runs in a Lambda, under the
 *                       handlers): never another engine (but the collector drives the alerts),
 *                       never local mode, the simulator or the CLI
 *   local/, cli/     <- beside lambdas/: run on a machine (local mode, the simulator, the CLI), never in a Lambda
 *   console/         <- the web console: its server side (console/assets.ts) names the query API's request and
 *                       response types; its browser code (console/app) imports nothing of the server's
 * and nothing shipped (lambdas, lib, bin, bench) imports test code.
 */
const ENGINES = '(^|/)(collector|polling|query|alerts|handlers)/';
const MACHINE_ONLY = '(^|/)(local|cli|console)/';
const TEST_CODE = '(^|/)test/';
const layer = (files, forbidden) => ({
  files,
  rules: {
    'no-restricted-imports': ['error', { patterns: forbidden.map(([regex, message]) => ({ regex, message })) }],
  },
});
const noTestCode = [TEST_CODE, 'Shipped code never imports test code.'];
const noMachineOnly = [MACHINE_ONLY, 'Code that runs in a Lambda never imports local mode, the simulator, the CLI or the web console.'];
export const layers = [
  layer(['lambdas/store/**/*.ts'], [
    ['(^|/)sources/', 'The store never imports a history kind: it stores any kind the same way.'],
    [ENGINES, 'The store is below the engines: it never imports one.'],
    noMachineOnly,
    noTestCode,
  ]),
  // A kind implements the engines' interfaces (a view, an SSM operation over the reader) and
  // so names their types; it never runs an engine's code.
  {
    files: ['lambdas/sources/*/**/*.ts'],
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '^\\.\\./[^./][^/]*/', message: 'A history kind never imports another kind: what they share lives in lambdas/sources/ or below.' },
            { regex: ENGINES, allowTypeImports: true, message: 'A history kind never imports an engine: the engines iterate the kinds (of an engine, a kind names the interfaces it implements, as types).' },
            { regex: MACHINE_ONLY, message: noMachineOnly[1] },
            { regex: TEST_CODE, message: noTestCode[1] },
          ],
        },
      ],
    },
  },
  layer(['lambdas/core/**/*.ts'], [
    ['(^|/)store/', 'The core is below everything: it never imports the store.'],
    ['(^|/)sources/', 'The core is below everything: it never imports a history kind.'],
    [ENGINES, 'The core is below everything: it never imports an engine.'],
    noMachineOnly,
    noTestCode,
  ]),
  // The engines stand side by side: none imports another, except that the collector drives the alerts.
  ...[
    ['collector', '(polling|query|handlers)'],
    ['polling', '(collector|query|alerts|handlers)'],
    ['query', '(collector|polling|alerts|handlers)'],
    ['alerts', '(collector|polling|query|handlers)'],
  ].map(([engine, others]) =>
    layer([`lambdas/${engine}/**/*.ts`], [
      [`(^|/)${others}/`, `The ${engine} engine never imports another engine: what they share lives in the core or the store.`],
      noMachineOnly,
      noTestCode,
    ]),
  ),
  layer(['lambdas/{handlers,ssm-protocol,client}/**/*.ts', 'lambdas/*.ts', 'lambdas/sources/*.ts'], [noMachineOnly, noTestCode]),
  layer(['local/**/*.ts', 'cli/**/*.ts', 'lib/**/*.ts', 'bin/**/*.ts', 'bench/**/*.ts', 'console/*.ts'], [noTestCode]),
  // The bundle runs in a browser: only its own modules and its packages (preact, uplot), and
  // the core's types (the API's answers), which the bundler erases.
  {
    files: ['console/app/**/*.{ts,tsx}'],
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '(^|/)lambdas/core/', allowTypeImports: true, message: 'The console in the browser takes only types from lambdas/core: its code is not in the bundle.' },
            { regex: '(^|/)lambdas/(?!core/)|(^|/)(local|cli|lib|bin|bench)/|(^|/)assets$', message: 'The console in the browser imports only console/app, its packages and the core\'s types: the server\'s code is not in its bundle.' },
            { regex: TEST_CODE, message: noTestCode[1] },
          ],
        },
      ],
    },
  },
];


export default [{ files: ['**/*.ts', '**/*.tsx'], languageOptions: { parser: tseslint.parser } }, ...layers];
