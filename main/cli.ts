#!/usr/bin/env node
/**
 * `gan-studio`: the command line. Each command lives in main/cli/<command>.ts; this file only
 * dispatches and turns errors into messages and exit codes (2 for a usage mistake, 1 otherwise).
 */
import { appVersion as version } from './appVersion.js';
import { UsageError } from './cli/args.js';
import { backendsCommand, backendsUsage } from './cli/backends.js';
import { evaluateCommand, evaluateUsage } from './cli/evaluate.js';
import { exploreCommand, exploreUsage } from './cli/explore.js';
import { exportCommand, exportUsage } from './cli/export.js';
import { importCommand, importUsage } from './cli/import.js';
import { importGeneratorCommand, importGeneratorUsage } from './cli/importGenerator.js';
import { sampleCommand, sampleUsage } from './cli/sample.js';
import { serveCommand, serveUsage } from './cli/serve.js';
import { trainCommand, trainUsage } from './cli/train.js';

interface Command {
  run(argv: string[]): Promise<number>;
  usage: string;
  summary: string;
}

const commands: Record<string, Command> = {
  import: { run: importCommand, usage: importUsage, summary: 'import a folder of images (or a built-in set) into a project' },
  train: { run: trainCommand, usage: trainUsage, summary: 'train a GAN preset, or --resume a run' },
  sample: { run: sampleCommand, usage: sampleUsage, summary: 'draw images from a trained generator into a PNG sheet' },
  explore: { run: exploreCommand, usage: exploreUsage, summary: 'the latent explorer as PNGs: walks, truncation, noise directions, classes, nearest real images' },
  evaluate: { run: evaluateCommand, usage: evaluateUsage, summary: 'measure how good a checkpoint is (feature-space distances, precision/recall, classes)' },
  export: { run: exportCommand, usage: exportUsage, summary: 'export a generator (TF.js, ONNX, images, GIF, web page), the dataset (StyleGAN, npz) or a PyTorch job' },
  'import-generator': { run: importGeneratorCommand, usage: importGeneratorUsage, summary: 'bring a generator.onnx (from the PyTorch job or an ONNX export) back as a run' },
  backends: { run: backendsCommand, usage: backendsUsage, summary: 'list the TensorFlow backends (loaded or not, device, why not) or --setup the native one' },
  serve: { run: serveCommand, usage: serveUsage, summary: 'run the studio in web mode on 127.0.0.1 (for a browser or a remote training box)' },
};

function help(): string {
  const width = Math.max(...Object.keys(commands).map((c) => c.length));
  return [
    `GAN Studio ${version()}: train generative adversarial networks on your own images.`,
    '',
    'Usage: gan-studio <command> [options]   (gan-studio <command> --help for its options)',
    '',
    ...Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    '',
    'Environment: GAN_STUDIO_BACKEND=gpu|native|wasm|cpu overrides the backend choice.',
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(help());
    return 0;
  }
  if (name === '--version') {
    console.log(version());
    return 0;
  }
  const command = commands[name];
  if (!command) {
    console.error(`gan-studio: unknown command "${name}"\n\n${help()}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(command.usage);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`gan-studio ${name}: ${error.message}\n\n${command.usage}`);
      return 2;
    }
    console.error(`gan-studio ${name}: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

// Exit explicitly: backend worker threads must not keep a finished command alive.
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
