import { tmpdir } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Separate processes: substrate servers are children of a test file's process and are
    // killed when it exits, so no test file can leave servers behind for another.
    pool: 'forks',
    // Two cores: integration files each start real servers; running them one after another
    // keeps timings sane and memory bounded.
    fileParallelism: false,
    setupFiles: ['test/support/setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    env: {
      METADATA_SERVER_DETECTION: 'none',
      // Tests name kubeconfigs of their own clusters, which live in scratch directories.
      KFED_KUBECONFIG_DIRS: tmpdir(),
    },
  },
});
