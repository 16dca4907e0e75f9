// Process boundaries are enforced here (STYLE.md): src/protocol is pure, src/renderer never
// touches node or electron, src/main never imports electron.
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['node:*', 'fs', 'fs/*', 'path', 'net', 'tls', 'http', 'https', 'dgram', 'child_process', 'os', 'crypto', 'stream', 'events', 'worker_threads', 'url'];

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'out/**', 'build/**', '.testbed/**', 'release/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    // Electron is the environment of src/shell (and the preload it loads), nobody else's.
    files: ['**/*.{ts,tsx,js,mjs}'],
    ignores: ['src/shell/**', 'src/preload/**', 'electron.main.ts', 'electron.main.test.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: ['electron'] }] },
  },
  {
    // The IPC contract is one pure module: zod and the pure parts of src/protocol only.
    files: ['src/ipc/**/*.ts'],
    ignores: ['src/ipc/**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ regex: '^(?!zod$|\\./[\\w-]+\\.ts$|\\.\\./protocol/[\\w-]+\\.ts$)', message: 'src/ipc imports only zod and src/protocol.' }] }] },
  },
  {
    files: ['src/protocol/**/*.ts'],
    ignores: ['src/protocol/**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [...nodeBuiltins, 'electron', '../main/*', '../renderer/*'] }],
      'no-restricted-properties': ['error',
        { object: 'Date', property: 'now', message: 'src/protocol is pure: take the time as an argument.' },
        { object: 'Math', property: 'random', message: 'src/protocol is pure: take randomness as an argument.' }],
      'no-restricted-globals': ['error', 'process', 'setTimeout', 'setInterval', 'fetch'],
    },
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    rules: { 'no-restricted-imports': ['error', { patterns: [...nodeBuiltins, 'electron', '**/main/**'] }] },
  },
  {
    // Unit tests of pure renderer logic run under node's test runner, so they live outside
    // src/renderer (test/renderer) and get the runner and assert, nothing else of node: what they
    // test stays browser code.
    files: ['test/renderer/**/*.test.{ts,tsx}'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: [...nodeBuiltins, '!node:test', '!node:assert', '!node:assert/strict', 'electron', '**/main/**'], message: 'renderer tests may import node:test and node:assert/strict only' }],
      }],
    },
  },
  {
    files: ['src/main/**/*.ts', 'src/gateway/**/*.ts', 'src/testbed/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: ['electron'] }] },
  },
);
