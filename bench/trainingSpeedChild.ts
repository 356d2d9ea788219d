/**
 * Child process entry: measures one preset at one batch size and prints the figures as one JSON
 * line, or `{ "notLoaded": reason }` when the backend asked for (GAN_STUDIO_BACKEND) does not load
 * here. Each case gets a fresh process so peak memory and tensor counts are its own.
 * Arguments: <preset> <batchSize> <warmupSteps> <steps>.
 */
import type { PresetId } from '../shared/presets.js';
import { BackendUnavailable, initBackend } from '../main/engine/backend/initBackend.js';
import { measureTraining } from './trainingSpeed.js';

const [preset, batch, warmup, steps] = process.argv.slice(2);
try {
  await initBackend();
} catch (error) {
  if (!(error instanceof BackendUnavailable)) throw error;
  process.stdout.write(`${JSON.stringify({ notLoaded: error.message })}\n`);
  process.exit(0);
}
const figures = await measureTraining(preset as PresetId, Number(batch), { warmupSteps: Number(warmup), steps: Number(steps) });
process.stdout.write(`${JSON.stringify(figures)}\n`);
