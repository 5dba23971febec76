// Built by `npm run build` from the repo root (`vite build --config dashboard/vite.config.ts`);
// the API serves dashboard/dist at `/`. `npx vite --config dashboard/vite.config.ts` serves it
// with hot reload against a Vigil running on the default port.
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'
import { svelte } from '@sveltejs/vite-plugin-svelte'

const root = fileURLToPath(new URL('.', import.meta.url))
const vigil = 'http://127.0.0.1:8080'

export default defineConfig({
  root,
  base: '/',
  plugins: [svelte()],
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
  },
  server: {
    proxy: {
      '/api': vigil,
      '/socket.io': { target: vigil, ws: true },
    },
  },
})
