import { defineConfig } from 'vitest/config';

// The dev server proxies the API to a running outdial (or the mock in dev/):
//   OUTDIAL_URL=http://127.0.0.1:8080 npm run dev
const target = process.env.OUTDIAL_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    assetsInlineLimit: 0,
    reportCompressedSize: true,
  },
  server: {
    proxy: {
      '/api/v1/events': { target, ws: true },
      '/api': { target },
    },
  },
  test: {
    environment: 'node',
    include: ['test/**/*.test.ts'],
  },
});
