/// <reference types="vitest/config" />
import { defineConfig } from 'vite';

// `--mode pages` builds the UI for page tests in a plain browser: Tauri's IPC is replaced by a
// deterministic fake backend. Every other mode (the production build above all) leaves the
// flag false, so the bundler drops the mock module entirely.
export default defineConfig(({ mode }) => ({
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
