import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';
import { build } from 'vite';

/** The TypeScript agents the supervisor runs as `process.execPath out/agents/<name>.js`. */
const AGENTS = ['daqsim', 'data', 'processing', 'fastmon'];

/**
 * The agents are built as self-contained bundles into out/agents/ (their dependencies inlined,
 * chunks shared among them), after the main target. An agent then loads a handful of files instead
 * of about a hundred ESM modules from node_modules, which saves each idle agent about 6 MB of RSS.
 */
function agentBundles() {
  return {
    name: 'swf-agent-bundles',
    async closeBundle() {
      await build({
        configFile: false,
        logLevel: 'warn',
        ssr: { noExternal: true, target: 'node' },
        build: {
          ssr: true,
          outDir: resolve('out/agents'),
          emptyOutDir: true,
          target: 'node20',
          minify: false,
          rollupOptions: {
            input: Object.fromEntries(AGENTS.map((n) => [n, resolve(`agents/${n}.ts`)])),
            output: {
              format: 'es',
              entryFileNames: '[name].js',
              chunkFileNames: 'chunks/[name]-[hash].js',
            },
          },
        },
      });
    },
  };
}

// One build for the three Electron targets. The main target also emits the headless CLI and the
// built-in agents, so plain Node (`swf-control-center serve`, supervised agents) runs the same code.
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          index: resolve('src/main/index.ts'),
          cli: resolve('src/main/cli.ts'),
        },
      },
    },
    plugins: [agentBundles()],
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // Sandboxed preloads must be CommonJS.
      rollupOptions: {
        input: { index: resolve('src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'src/renderer',
    plugins: [react()],
    build: {
      outDir: 'out/renderer',
      rollupOptions: { input: { index: resolve('src/renderer/index.html') } },
    },
  },
});
