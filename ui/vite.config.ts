/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import { cssVariableTokens } from './scripts/css-variable-tokens.mjs';

// The built UI runs on Preact's React-compatible layer instead of react-dom: about 60 kB less
// JavaScript gzipped (react-dom alone was ~60 kB of the ~284 kB), with Fluent UI's hooks, portals,
// useId and useSyncExternalStore unchanged. The unit tests (Vitest, mode `test`) keep React:
// Testing Library and Fluent load from node_modules outside the bundler's aliases; the page
// tests and the real-window GUI tests run the Preact build itself. Preact 11, not 10: the app
// freezes Object.prototype (tauri.conf.json, freezePrototype), and Preact 10 copies elements onto
// plain objects in a way a frozen prototype forbids (no update after the first render).
const PREACT = [
  { find: /^react-dom\/client$/, replacement: 'preact/compat/client' },
  { find: /^react\/jsx-runtime$/, replacement: 'preact/compat/jsx-runtime' },
  { find: /^react\/jsx-dev-runtime$/, replacement: 'preact/compat/jsx-dev-runtime' },
  { find: /^react-dom$/, replacement: 'preact/compat' },
  { find: /^react$/, replacement: 'preact/compat' },
  // Fluent's context selectors schedule through React's scheduler; Preact's stand-in runs the
  // work at once, which is what the scheduler does for the normal priority they ask for.
  { find: /^scheduler$/, replacement: 'preact/compat/scheduler' },
];

// `--mode pages` builds the UI for page tests in a plain browser: Tauri's IPC is replaced by a
// deterministic fake backend. Every other mode (the production build above all) leaves the
// flag false, so the bundler drops the mock module entirely.
export default defineConfig(({ mode }) => ({
  resolve: { alias: mode === 'test' ? [] : PREACT },
  // Fluent's table of CSS variable names becomes one line (scripts/css-variable-tokens.mjs).
  plugins: mode === 'test' ? [] : [cssVariableTokens()],
  define: {
    __PFRM_PAGES_MOCK__: JSON.stringify(mode === 'pages'),
  },
  build: {
    outDir: mode === 'pages' ? 'dist-pages' : 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
    rollupOptions: {
      // Fluent UI marks its modules 'use client' for server rendering, which a desktop app has
      // no use for; the directive is dropped on purpose.
      onwarn(warning, warn) {
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
        warn(warning);
      },
      // Two files: what the first screen needs, and everything the other pages and dialogs need
      // (loaded when one first opens). One file per page and component compressed ~23 kB worse
      // in all, and a first page visit fetched several of them in turn.
      output: {
        codeSplitting: {
          groups: [
            { name: 'start', tags: ['$initial'], priority: 2 },
            { name: 'later', priority: 1 },
          ],
        },
      },
    },
  },
  server: {
    port: 5173,
    strictPort: true,
  },
  test: {
    environment: 'happy-dom',
    include: ['src/**/*.test.{ts,tsx}'],
    setupFiles: ['src/test-setup.ts'],
    // Rendering Fluent UI in happy-dom takes about a second per test on a quiet 2-core machine;
    // the default 5 s is too tight when the machine is busy.
    testTimeout: 30_000,
  },
}));
