import type { PytorchJobFile } from '../../../../shared/handoff.js';

/** The run's recipe in words, as the job trains it. */
function recipeLine(job: PytorchJobFile): string {
  const { params } = job;
  const loss = {
    bce: 'non-saturating binary cross-entropy on D\'s logit',
    hinge: 'the hinge loss',
    lsgan: 'the least-squares (LSGAN) loss',
    'wgan-gp': `the Wasserstein loss with a gradient penalty of ${params.gradientPenalty} at points between real and fake images`,
  }[params.loss];
  const parts = [loss];
  if (params.r1 > 0) parts.push(`R1 ${params.r1} on real images`);
  if (params.spectralNorm) parts.push('spectral norm on D\'s layers');
  if (params.spectralNorm || params.loss === 'wgan-gp') parts.push('no batch norm in D');
  parts.push(params.emaDecay > 0 ? `a moving average of G (decay ${params.emaDecay}), which generator.onnx is` : 'no moving average of G');
  const augmenting = params.augment === 'on' || (params.augment === 'auto' && job.dataset.count < job.augmentAutoBelow);
  const auto = params.augment === 'auto' ? ` (auto: on below ${job.augmentAutoBelow.toLocaleString('en-US')} images)` : '';
  parts.push(augmenting ? `DiffAugment (${params.augmentPolicy.join(', ')}) of every image D sees${auto}` : `no augmentation${auto}`);
  return parts.join('; ');
}

/** The job's README.md: the commands first, then what it trains and how it matches the studio. */
export function jobReadme(job: PytorchJobFile, hasDiscriminator: boolean): string {
  const { image, params, source } = job;
  const classes = job.classes.length ? job.classes.map((c) => `${c.id} ${c.name}`).join(', ') : 'none (unlabelled)';
  const paramRows = Object.entries(params).map(([k, v]) => `| \`${k}\` | ${Array.isArray(v) ? v.join(', ') : String(v)} |`);
  const initNote = hasDiscriminator
    ? '`init/` holds the studio checkpoint: generator, discriminator and both Adam states, so training continues where the studio stopped.'
    : '`init/` holds an imported generator only: G continues from it, D and both Adam states start fresh.';
  return `# ${job.name}: ${job.presetTitle} in PyTorch

Exported by GAN Studio ${job.appVersion} from run \`${source.runId}\`, checkpoint \`${source.checkpointId}\`
(step ${source.step}, epoch ${source.epoch}), with its dataset: ${job.dataset.count} images of
${image.width}x${image.height}x${image.channels} from "${job.dataset.name}".

## Setup

\`\`\`sh
pip install -r requirements.txt        # torch >= 1.13 and numpy; on Debian: apt-get install python3-torch
\`\`\`

## Train

\`\`\`sh
torchrun --nproc_per_node=4 train.py --init-from init   # continue the studio run on 4 GPUs of this machine
torchrun --nproc_per_node=4 train.py                    # the same recipe from a fresh start
torchrun --nnodes=2 --nproc_per_node=8 --rdzv_backend=c10d --rdzv_endpoint=HOST:29500 train.py --init-from init   # 2 machines
python3 train.py --max-steps 200                        # one process, without torchrun
\`\`\`

Every process trains on its own slice of each batch (DistributedDataParallel averages the
gradients, a DistributedSampler deals the images); \`--batch-size\` is the batch of all processes
together and must divide evenly among them. GPUs use NCCL, CPUs Gloo. ${initNote}

On Debian 12's \`python3-torch\` (PyTorch 1.13 on Python 3.11) torchrun stops at start with
\`'NoneType' object has no attribute 'get'\`; add \`--redirects 1 --tee 1\` after \`torchrun\`.

| option | what it does |
|---|---|
| \`--epochs N\` | epochs in all, counting steps already trained (default ${job.epochs}, the run's) |
| \`--max-steps N\` | stop at step N |
| \`--batch-size N\` | images per step over all processes (default ${params.batchSize}) |
| \`--init-from DIR\` | start from a GAN Studio checkpoint folder (\`init\`, or \`runs/<run>/checkpoints/step-N\` of a project) |
| \`--out DIR\` | where checkpoints, metrics and the model go (default \`output/\`) |
| \`--checkpoint-every N\` | also checkpoint every N steps (always at each epoch end and the last step) |
| \`--log-every N\` | print and log the losses every N steps (default 50) |
| \`--sync-bn\` | batch norm statistics over the whole batch of all GPUs, as the studio sees one batch |
| \`--device cpu\\|cuda\`, \`--threads N\`, \`--seed N\` | where and how to run |

Rank 0 alone writes \`output/checkpoints/step-NNNNNNNN.pt\` (atomically: a kill never leaves a
torn file) and \`output/metrics.jsonl\` (the studio's metrics fields). Run the same command
again and it resumes from the newest checkpoint in \`--out\` (on several machines, put \`--out\` on a
filesystem they share: every process reads that checkpoint). At the end rank 0 writes
\`output/generator.onnx\` and \`output/metadata.json\`, in the ONNX contract of GAN Studio's own
export (inputs \`noise\`${job.classes.length && job.onnxMetadata.conditional ? ' and `class_id`' : ''}, outputs \`image\` and \`pixels\`).

## Bring it back

\`\`\`sh
gan-studio import-generator output/generator.onnx --project <your project>
\`\`\`

The generator becomes a run of its own in the project: sampling, quality measures and every
export work on it. \`metrics.jsonl\` beside the .onnx comes along for the loss chart.

## What it trains

Read from the run, not retyped: preset \`${job.preset}\` (${job.presetTitle}), seed ${job.seed},
classes: ${classes}.

| parameter | value |
|---|---|
${paramRows.join('\n')}

The layers, their sizes and names, the initialisation (Glorot-uniform dense layers for the MLP
presets; N(0, 0.02) weights and N(1, 0.02) batch-norm scales for the convolutional ones; N(0, 1)
class embeddings) and Adam (the run's rates and betas, epsilon 1e-7 as TensorFlow.js) are the
studio's; \`gan_models.py\` holds them. So is the recipe: ${recipeLine(job)}. D updates
\`dStepsPerG\` times on a real and a fake batch, then G once; \`losses.py\`,
\`diff_augment.py\` and \`generator_average.py\` hold the rest. With \`--init-from\` G, ${params.emaDecay > 0 ? 'its moving average ' : ''}and D
compute what the studio's do for the same input (within about 5e-6 in GAN Studio's tests).

What differs: random numbers come from PyTorch's generator (a run is reproducible from its seed
here, not bit-for-bit the studio's); batch norm normalises each GPU's share of the batch unless
\`--sync-bn\`; PyTorch keeps the unbiased running variance where TensorFlow.js keeps the biased one.
`;
}
