import { resolve } from 'node:path';
import { builtinDatasetIds } from '../../shared/dataset.js';
import { appVersion } from '../appVersion.js';
import { startWebServer } from '../server.js';
import { defaultConfigDir, defaultProjectsDir, rendererDir } from '../services/appPaths.js';
import { anyPath } from '../services/pathAccess.js';
import { createStudio } from '../services/studio.js';
import { tryBuiltin } from '../services/tryBuiltin.js';
import { intFlag, oneOf, parseCommand } from './args.js';
import { onInterrupt } from './interrupt.js';

export const serveUsage = `gan-studio serve [--port N] [--project DIR | --builtin shapes|digits|fashion]
                 [--projects-dir DIR] [--config-dir DIR]

Runs the studio in web mode: the same window in a browser, served on 127.0.0.1 with a random
access token in the printed address. For a machine without a display, forward the port
(ssh -L N:127.0.0.1:N host) and open the address on your own computer.

  --port N           port to listen on (default: any free port)
  --project DIR      open (or create) this project at start; default: the last project
  --builtin ID       open the demo project of a built-in dataset, creating it on first use
  --projects-dir DIR where demo projects go (default: ~/GAN Studio)
  --config-dir DIR   settings and recent projects (default: shared with the desktop app)

Ctrl-C stops the server; a training run in progress stops with a checkpoint first.`;

export async function serveCommand(argv: string[]): Promise<number> {
  const { values } = parseCommand(argv, {
    port: { type: 'string' },
    project: { type: 'string' },
    builtin: { type: 'string' },
    'projects-dir': { type: 'string' },
    'config-dir': { type: 'string' },
  });
  const port = intFlag(values.port, 'port', 0);
  const builtin = oneOf(values.builtin, 'builtin', builtinDatasetIds);
  const studio = await createStudio({
    mode: 'web',
    version: appVersion(),
    configDir: resolve(values['config-dir'] ?? defaultConfigDir()),
    projectsDir: resolve(values['projects-dir'] ?? defaultProjectsDir()),
    access: anyPath,
  });
  if (values.project) await studio.project.create(resolve(values.project));
  else if (builtin) await tryBuiltin(studio, builtin);
  else await studio.project.restoreLast();

  const server = await startWebServer({ studio, rendererDir: rendererDir(), port });
  const project = studio.project.path;
  console.log(`GAN Studio ${appVersion()} web mode${project ? ` (project: ${project})` : ''}`);
  console.log(`Open ${server.url}`);
  console.log('Ctrl-C stops the server.');

  // A background failure is reported, never allowed to take down a server other windows rely on.
  const onRejection = (reason: unknown) => console.error('Unexpected error:', reason);
  process.on('unhandledRejection', onRejection);
  // First Ctrl-C (or SIGTERM): stop the run with a checkpoint, then close; a second quits at once.
  let release = () => {};
  await new Promise<void>((resolveStop) => {
    release = onInterrupt(resolveStop);
  });
  await studio.close();
  await server.close();
  release();
  process.off('unhandledRejection', onRejection);
  return 0;
}
