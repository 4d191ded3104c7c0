// SPDX-License-Identifier: AGPL-3.0-or-later
// Builds the web app into the module's classes, where the jar ships it and `nexuslink app` serves it
// from the classpath folder /org/nexuslink/app/web. The page runs under a CSP without
// 'unsafe-inline': the build must emit no inline <script> or <style> (modulepreload polyfill off).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  root: here('./src/main/web'),
  base: './',
  plugins: [react()],
  build: {
    outDir: here('./target/classes/org/nexuslink/app/web'),
    emptyOutDir: true,
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: false,
    reportCompressedSize: false,
  },
});
