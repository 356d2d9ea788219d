/**
 * A separate process that imports a folder into a project (argv: folder, project), for tests
 * that kill the importer: GAN_STUDIO_FAULT in its environment names where it dies.
 */
import { importFolder } from '../../../main/data/importFolder.js';

const [folder, project] = process.argv.slice(2);
await importFolder(folder, project, { size: 8, channels: 'rgb', fit: 'crop' });
