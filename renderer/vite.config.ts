import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// base './' so the same build loads from file:// in Electron and from / in web mode.
export default defineConfig({
  root: here('.'),
  base: './',
  plugins: [svelte()],
  build: {
    outDir: here('../dist/renderer'),
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 1000,
  },
  server: { host: '127.0.0.1' },
});
