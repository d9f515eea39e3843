// Lint rules that keep the architecture honest: the worker and shared code never import
// `vscode`; the client never imports engine code; engine modules know nothing of LSP.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const noVscode = { name: 'vscode', message: 'Only client/ may import vscode: the worker runs outside VS Code.' };

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', 'test-results/**', 'sample/**', 'bench/results/**', '**/*.cjs', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2022, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-namespace': 'off',
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    files: ['server/**/*.ts', 'shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [noVscode, { name: 'vscode-languageclient', message: 'The worker is the server side.' }], patterns: [{ group: ['vscode-languageclient/*'], message: 'The worker is the server side.' }] }],
    },
  },
  {
    files: ['server/engine/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [noVscode],
          patterns: [
            { group: ['vscode-languageserver', 'vscode-languageserver/*', 'vscode-languageserver-protocol', 'vscode-languageserver-protocol/*', 'vscode-jsonrpc', 'vscode-jsonrpc/*'], message: 'Engine modules know nothing of LSP: server/server.ts wires them.' },
          ],
        },
      ],
    },
  },
  {
    files: ['client/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/server/**', '**/server', 'telegram', 'telegram/*', '@googleapis/*'], message: 'The client never imports engine code: talk to the worker through shared/protocol.ts.' }] },
      ],
    },
  },
);
