/**
 * Child process entry: measures one preset at one batch size and prints the figures as one JSON
 * line. Each case gets a fresh process so peak memory and tensor counts are its own.
 * Arguments: <preset> <batchSize> <warmupSteps> <steps>.
 */
import type { PresetId } from '../shared/presets.js';
import { measureTraining } from './trainingSpeed.js';

const [preset, batch, warmup, steps] = process.argv.slice(2);
const figures = await measureTraining(preset as PresetId, Number(batch), { warmupSteps: Number(warmup), steps: Number(steps) });
process.stdout.write(`${JSON.stringify(figures)}\n`);
