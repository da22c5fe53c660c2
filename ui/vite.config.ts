import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

// Tauri sets TAURI_DEV_HOST when developing against a device (mobile); desktop leaves it unset.
const host = process.env.TAURI_DEV_HOST;
const debug = Boolean(process.env.TAURI_ENV_DEBUG);

export default defineConfig({
  plugins: [react()],
  // Relative asset paths so the bundle loads from Tauri's custom protocol.
  base: './',
  // Keep Rust/Tauri output visible in the same terminal.
  clearScreen: false,
  server: {
    port: 1420,
    strictPort: true,
    host: host ?? false,
    hmr: host ? { protocol: 'ws', host, port: 1421 } : undefined,
    watch: { ignored: ['**/src-tauri/**'] },
  },
  envPrefix: ['VITE_', 'TAURI_ENV_*'],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // WebKit on macOS 10.15+ (Safari 13), WebView2 (Chromium) on Windows, WebKitGTK on Linux.
    target: ['es2021', 'chrome105', 'safari13'],
    minify: !debug,
    sourcemap: debug,
    chunkSizeWarningLimit: 2000,
  },
  test: {
    environment: 'jsdom',
    setupFiles: ['./src/test/setup.ts'],
    include: ['src/**/*.test.{ts,tsx}'],
    restoreMocks: false,
    testTimeout: 15000,
  },
});
