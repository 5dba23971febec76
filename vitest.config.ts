import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Tests that start servers on port 0 and browsers share 2 cores; keep parallelism modest.
    maxWorkers: 2,
  },
})
