import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The built renderer: beside the built main (`out/main` -> `out/renderer`), or `out/renderer` from source. */
export function findRendererDir(): string | undefined {
  const here = dirname(fileURLToPath(import.meta.url));
  // Built main code may sit in out/main or out/main/chunks; from source it is src/main.
  const candidates = [
    join(here, '../renderer'),
    join(here, '../../renderer'),
    join(here, '../../out/renderer'),
  ];
  return candidates.find((dir) => existsSync(join(dir, 'index.html')));
}
