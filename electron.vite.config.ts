import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';

/** The TypeScript agents the supervisor runs as `process.execPath out/agents/<name>.js`. */
const AGENTS = ['daqsim', 'data', 'processing', 'fastmon'];

/**
 * The agents are bundled with the main target (sharing its chunks) into out/main/agents/; Rollup
 * cannot name an entry outside its outDir, so out/agents/<name>.js are one-line launchers.
 */
function agentLaunchers() {
  return {
    name: 'swf-agent-launchers',
    closeBundle() {
      mkdirSync(resolve('out/agents'), { recursive: true });
      for (const n of AGENTS) {
        writeFileSync(resolve(`out/agents/${n}.js`), `import '../main/agents/${n}.js';\n`);
      }
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
          ...Object.fromEntries(AGENTS.map((n) => [`agents/${n}`, resolve(`agents/${n}.ts`)])),
        },
      },
    },
    plugins: [agentLaunchers()],
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
