/**
 * The house rules of DESIGN.md, checked by `npm run lint` (part of `npm test`).
 * Layers call downwards only: app/server/cli -> ipc -> services -> engine -> data -> project -> shared.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      comment: 'An import loop means two files are one concept or one of them is in the wrong layer.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'electron-only-in-the-shell',
      comment: 'Electron is imported only by the desktop shell (main/app.ts, main/app/) and the preload.',
      severity: 'error',
      from: { pathNot: '^main/(app\\.ts|app/|preload\\.cts)' },
      to: { path: '^(electron)(/|$)|node_modules/electron/' },
    },
    {
      name: 'renderer-sees-only-shared',
      comment: 'The renderer talks to the world through the studio API; of our code it imports only shared/.',
      severity: 'error',
      from: { path: '^renderer/' },
      to: { path: '^(main|bench|tests)/' },
    },
    {
      name: 'renderer-no-node',
      comment: 'No Node built-ins in the renderer (it runs sandboxed, or in a browser in web mode).',
      severity: 'error',
      from: { path: '^renderer/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'shared-is-pure',
      comment: 'shared/ is types and pure functions both sides use: no Node, no DOM, nothing from main/ or renderer/.',
      severity: 'error',
      from: { path: '^shared/' },
      to: { pathNot: '^shared/|node_modules/zod/' },
    },
    {
      name: 'engine-below-services',
      comment: 'The engine, data and project layers run the same under Electron, the CLI, web mode and tests.',
      severity: 'error',
      from: { path: '^main/(engine|data|project)/' },
      to: { path: '^main/(services|app|cli|ipc|server|app\\.ts|cli\\.ts|preload\\.cts)' },
    },
    {
      name: 'data-below-engine',
      severity: 'error',
      from: { path: '^main/(data|project)/' },
      to: { path: '^main/engine/' },
    },
    {
      name: 'project-below-data',
      severity: 'error',
      from: { path: '^main/project/' },
      to: { path: '^main/data/' },
    },
    {
      name: 'services-below-ipc',
      comment: 'Services are shared by the app, the server and the CLI, so they import none of them.',
      severity: 'error',
      from: { path: '^main/services/' },
      to: { path: '^main/(app|cli|ipc|server|app\\.ts|cli\\.ts|preload\\.cts)' },
    },
    {
      name: 'ipc-below-shells',
      severity: 'error',
      from: { path: '^main/ipc\\.ts' },
      to: { path: '^main/(app|cli|server|app\\.ts|cli\\.ts|preload\\.cts)' },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'An import that does not resolve is a typo or a missing dependency.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.cts', '.js', '.svelte'],
    },
  },
};
