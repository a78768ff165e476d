// Lint for async correctness, for `any` and for the layers, not for looks: tsc --strict does the rest.
import tseslint from 'typescript-eslint';
import { layers } from './eslint.layers.mjs';

export default tseslint.config(
  { ignores: ['node_modules/', 'cdk.out/', '.bench/', '.local-data/', 'coverage/', '.stryker-tmp/', 'reports/', '**/*.js', '**/*.mjs'] },
  {
    // The console's browser code is TSX (console/app, type-checked with console/tsconfig.json).
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/return-await': ['error', 'in-try-catch'],
    },
  },
  ...layers,
);
