// @ts-check
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'embeddings/**', 'data/**', 'test/artifacts/**', 'test/fixtures/**', 'coverage/**', 'scratch/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Read the environment once, in src/config.ts.' }],
    },
  },
  {
    // The core never depends on a channel adapter: bin/run.ts hands bots/ to it.
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/bots', '**/bots/**'], message: 'src/ must not import bots/: channels are handed to the core by bin/run.ts.' }] }],
    },
  },
  {
    // Channel adapters use the core through its public surface only.
    files: ['bots/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/src/**', '!**/src/index.ts'], message: 'bots/ may import only src/index.ts, the core’s public surface (add what a channel needs there).' }] },
      ],
    },
  },
  {
    files: ['src/config.ts', 'test/**/*.ts', 'bin/run.ts'],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    files: ['bin/**/*.js', 'scripts/**/*.mjs', '*.js'],
    languageOptions: { globals: { ...globals.node } },
  },
);
