import { existsSync } from 'node:fs';
import { repoRoot } from './paths.js';
import { join } from 'node:path';

/** The suites drive the built app; say plainly when it has not been built rather than fail obscurely. */
export default function checkBuild(): void {
  for (const file of ['dist/main/cli.js', 'dist/main/app.js', 'dist/main/preload.cjs', 'dist/renderer/index.html']) {
    if (!existsSync(join(repoRoot, file))) throw new Error(`${file} is missing: run \`npm run build\` before the end-to-end tests.`);
  }
}
