// Lint (STYLE.md "Habits"): type-aware rules that catch what the compiler does not — floating
// promises and non-exhaustive switches — and the boundary that keeps services/core free of I/O.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'dashboard/**', 'data/**', 'test-results/**', '**/*.js', '**/*.mjs', 'vitest.config.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-empty': ['error', { allowEmptyCatch: true }],
    },
  },
  {
    // The domain core is pure: no adapters, frameworks, databases or network (STYLE.md "Boundaries").
    files: ['services/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['**/adapters/**', '../adapters/*'], message: 'services/core must not import adapters' },
          { group: ['fastify', 'fastify/*', '@fastify/*', 'aedes', 'aedes*', 'mqtt', 'socket.io*', 'kysely', 'better-sqlite3', 'pg', '@influxdata/*', 'node:fs', 'node:net', 'node:http', 'fs', 'net', 'http'], message: 'services/core has no I/O: put this in an adapter' },
        ],
      }],
    },
  },
)
