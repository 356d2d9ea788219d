#!/usr/bin/env python3
"""Trains this GAN Studio job in PyTorch, on one process or many (torchrun), and writes generator.onnx.

    torchrun --nproc_per_node=4 train.py                 # 4 GPUs (or 4 CPU processes) on this machine
    torchrun --nproc_per_node=4 train.py --init-from init   # continue the studio checkpoint exported with the job
    python3 train.py --max-steps 100                     # one process, no torchrun

The preset, its parameters and recipe, the image shape and the classes come from job.json,
which GAN Studio wrote from the run. The step is the studio's: D on a real and a fake batch,
dStepsPerG times, then G, with the run's loss (bce, hinge, lsgan or wgan-gp), WGAN-GP's gradient
penalty and R1 on D, DiffAugment of everything D sees when the run augments, and a moving
average of G after each G update; Adam with the run's rates and betas. Each process trains on its
own slice of every batch (DistributedDataParallel averages the gradients); rank 0 alone writes
checkpoints, metrics and the ONNX model. Run it again with the same --out and it resumes from
the newest checkpoint.
"""
import argparse
import datetime
import json
import math
import os
import sys
import time

import torch
import torch.distributed as dist
from torch import nn
from torch.nn.parallel import DistributedDataParallel

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from diff_augment import DiffAugment, augments  # noqa: E402
from gan_models import build_models, parameter_count, seed_for  # noqa: E402
from generator_average import GeneratorAverage  # noqa: E402
from job_checkpoints import latest_checkpoint, load_checkpoint, save_checkpoint  # noqa: E402
from job_data import Batches, load_dataset  # noqa: E402
from losses import gradient_penalty, losses_of, r1_penalty  # noqa: E402
from onnx_writer import generator_onnx  # noqa: E402
from studio_checkpoint import load_studio_checkpoint  # noqa: E402

# TensorFlow.js's Adam epsilon (the backend's float32 epsilon); PyTorch's default is 1e-8.
STUDIO_ADAM_EPSILON = 1e-7


def positive(text):
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f'must be 1 or more, got {text}')
    return value


def parse_args(job):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--data', default=os.path.join(HERE, 'data', 'dataset.npz'), help='the dataset (default: data/dataset.npz beside this file)')
    parser.add_argument('--out', default=os.path.join(HERE, 'output'), help='checkpoints, metrics.jsonl and generator.onnx go here (default: output/)')
    parser.add_argument('--epochs', type=positive, default=job['epochs'], help=f'epochs in all, counting any steps already trained (default: the run\'s {job["epochs"]})')
    parser.add_argument('--max-steps', type=positive, help='stop after this many steps in all')
    parser.add_argument('--batch-size', type=positive, default=job['params']['batchSize'], help='real images per step over all processes (default: the run\'s)')
    parser.add_argument('--checkpoint-every', type=int, default=0, help='also checkpoint every N steps (default: each epoch end and the last step)')
    parser.add_argument('--log-every', type=positive, default=50, help='print and log the losses every N steps')
    parser.add_argument('--init-from', help='a GAN Studio checkpoint folder to start from (the job\'s init/, or runs/<run>/checkpoints/step-N)')
    parser.add_argument('--seed', type=int, default=job['seed'])
    parser.add_argument('--device', choices=['auto', 'cpu', 'cuda'], default='auto')
    parser.add_argument('--dist-backend', choices=['auto', 'nccl', 'gloo'], default='auto', help='auto: nccl on GPUs, gloo on CPUs')
    parser.add_argument('--sync-bn', action='store_true', help='batch norm statistics over the whole batch of all GPUs, as the studio sees one batch (CUDA only)')
    parser.add_argument('--threads', type=positive, help='CPU threads per process (torch.set_num_threads)')
    return parser.parse_args()


class Recipe:
    """The run's loss, penalties and augmentation, as main/engine/training/trainer.ts applies them."""

    def __init__(self, params, augmenting):
        self.d_loss, self.g_loss = losses_of(params['loss'])
        self.real_target = 1.0 - params['labelSmoothing']
        self.gp = params['gradientPenalty'] if params['loss'] == 'wgan-gp' else 0.0
        self.r1 = params['r1']
        self.augment = DiffAugment(params['augmentPolicy']) if augmenting else (lambda x: x)

    def generator_loss(self, d, fake, classes):
        return self.g_loss(d(self.augment(fake), classes))


class DiscriminatorStep(nn.Module):
    """D's whole loss in one call: the real and fake batches (each augmented when the run augments,
    each normalised on its own, as in the studio), plus the penalties on what D saw. One forward per
    backward keeps DistributedDataParallel's gradient averaging right; the penalties' gradients with
    respect to images are taken inside, so only the weights' gradients reach its hooks."""

    def __init__(self, d, recipe):
        super().__init__()
        self.d = d
        self.recipe = recipe

    def forward(self, real, fake, real_classes, fake_classes):
        recipe = self.recipe
        real_seen, fake_seen = recipe.augment(real), recipe.augment(fake)
        real_logits, fake_logits = self.d(real_seen, real_classes), self.d(fake_seen, fake_classes)
        loss = recipe.d_loss(real_logits, fake_logits, recipe.real_target)
        critic = lambda images: self.d(images, real_classes)  # noqa: E731
        if recipe.gp:
            loss = loss + gradient_penalty(critic, real_seen, fake_seen, recipe.gp)
        if recipe.r1 > 0:
            loss = loss + r1_penalty(critic, real_seen, recipe.r1)
        return loss, real_logits, fake_logits


def describe_recipe(params, augmenting):
    parts = [f'loss {params["loss"]}' + (f' (gradient penalty {params["gradientPenalty"]}, {params["dStepsPerG"]} D steps per G)' if params['loss'] == 'wgan-gp' else '')]
    if params['r1'] > 0:
        parts.append(f'R1 {params["r1"]}')
    if params['spectralNorm']:
        parts.append('spectral norm in D')
    parts.append(f'EMA of G {params["emaDecay"]}' if params['emaDecay'] > 0 else 'no EMA')
    parts.append(f'DiffAugment {", ".join(params["augmentPolicy"])}' if augmenting else 'no augmentation')
    return '; '.join(parts)


def pick_device(choice, local_rank):
    if choice == 'cpu' or (choice == 'auto' and not torch.cuda.is_available()):
        return torch.device('cpu')
    if not torch.cuda.is_available():
        raise ValueError('--device cuda: PyTorch sees no CUDA device here')
    torch.cuda.set_device(local_rank)
    return torch.device('cuda', local_rank)


class Log:
    """Rank 0 prints and appends metrics.jsonl (the studio's metrics fields); other ranks stay quiet."""

    def __init__(self, out, rank, resumed_step):
        self.rank = rank
        self.path = os.path.join(out, 'metrics.jsonl')
        if rank == 0:
            os.makedirs(out, exist_ok=True)
            kept = []
            if os.path.isfile(self.path):
                with open(self.path, encoding='utf-8') as f:
                    kept = [line for line in f if line.strip() and _step_of(line) <= resumed_step]
            with open(self.path, 'w', encoding='utf-8') as f:
                f.writelines(kept)

    def say(self, text):
        if self.rank == 0:
            print(text, flush=True)

    def metrics(self, record):
        if self.rank == 0:
            with open(self.path, 'a', encoding='utf-8') as f:
                f.write(json.dumps(record) + '\n')


def _step_of(line):
    try:
        return json.loads(line)['step']
    except (ValueError, KeyError):
        return math.inf


def set_trainable(module, trainable):
    for p in module.parameters():
        p.requires_grad_(trainable)


def train(args, job, rank, world, device):
    params = job['params']
    log_rank0 = rank == 0
    images, labels = load_dataset(args.data, job)
    batch = min(args.batch_size, len(images))
    batches = Batches(images, labels, batch, rank, world, args.seed)
    d_steps = params['dStepsPerG']
    steps_per_epoch = max(1, batches.per_epoch // d_steps)
    total = args.epochs * steps_per_epoch if args.max_steps is None else min(args.epochs * steps_per_epoch, args.max_steps)

    augmenting = augments(params, len(images), job['augmentAutoBelow'])
    recipe = Recipe(params, augmenting)

    torch.manual_seed(args.seed)
    g, d, conditional = build_models(job)
    g.to(device)
    d.to(device)
    if args.sync_bn:
        if device.type != 'cuda':
            raise ValueError('--sync-bn needs CUDA devices')
        g, d = nn.SyncBatchNorm.convert_sync_batchnorm(g), nn.SyncBatchNorm.convert_sync_batchnorm(d)
    average = GeneratorAverage(g, params['emaDecay']) if params['emaDecay'] > 0 else None
    betas = (params['beta1'], params['beta2'])
    opt_g = torch.optim.Adam(g.parameters(), lr=params['learningRateG'], betas=betas, eps=STUDIO_ADAM_EPSILON)
    opt_d = torch.optim.Adam(d.parameters(), lr=params['learningRateD'], betas=betas, eps=STUDIO_ADAM_EPSILON)

    step, start = 0, 'a fresh start'
    latest = latest_checkpoint(args.out)
    if latest:
        state = load_checkpoint(latest, device)
        g.load_state_dict(state['g'])
        d.load_state_dict(state['d'])
        if average is not None:
            average.generator.load_state_dict(state.get('g_ema', state['g']))
        opt_g.load_state_dict(state['opt_g'])
        opt_d.load_state_dict(state['opt_d'])
        step, start = state['step'], f'checkpoint {latest}'
        if args.init_from:
            start += ' (--init-from is used only when the output folder has no checkpoint yet)'
    elif args.init_from:
        loaded = load_studio_checkpoint(args.init_from, job, g, d, opt_g, opt_d, average.generator if average else None)
        step, start = loaded['step'], f'studio checkpoint {loaded["run"]}/{loaded["id"]} ({", ".join(loaded["parts"])})'
    log = Log(args.out, rank, step)

    d_step = DiscriminatorStep(d, recipe)
    g_run, d_step_run = g, d_step
    if world > 1:
        ids = {'device_ids': [device.index]} if device.type == 'cuda' else {}
        g_run, d_step_run = DistributedDataParallel(g, **ids), DistributedDataParallel(d_step, **ids)

    log.say(f'{job["presetTitle"]} ({job["preset"]}), {job["image"]["height"]}x{job["image"]["width"]}x{job["image"]["channels"]}, '
            f'G {parameter_count(g):,} / D {parameter_count(d):,} parameters; torch {torch.__version__} on {world} x {device.type}')
    log.say(f'Batch {batch} ({batches.per_process} per process), {steps_per_epoch} steps/epoch, steps {step} -> {total}; from {start}')
    log.say(f'Recipe: {describe_recipe(params, augmenting)}')

    classes = len(job['classes']) if conditional else 0
    noise_size = params['noiseSize']
    last_saved, timer_step, timer = -1, step, time.perf_counter()
    while step < total:
        # Every random draw of a step is a function of (seed, rank, step), so a resumed job continues as if it never stopped.
        torch.manual_seed(seed_for(args.seed, rank, step))
        for k in range(d_steps):
            real, real_classes = batches.get(step * d_steps + k, device)
            noise = torch.randn(batches.per_process, noise_size, device=device)
            fake_classes = torch.randint(0, classes, (batches.per_process,), device=device) if conditional else None
            with torch.no_grad():
                fake = g_run(noise, fake_classes)
            d_loss, real_logits, fake_logits = d_step_run(real, fake, real_classes if conditional else None, fake_classes)
            opt_d.zero_grad(set_to_none=True)
            d_loss.backward()
            opt_d.step()
        # G's step: only G's weights get gradients; D runs outside DDP, its gradients are not wanted.
        set_trainable(d, False)
        g_loss = recipe.generator_loss(d, g_run(noise, fake_classes), fake_classes)
        opt_g.zero_grad(set_to_none=True)
        g_loss.backward()
        opt_g.step()
        set_trainable(d, True)
        step += 1
        if average is not None:
            average.update(step)

        due = step % steps_per_epoch == 0 or (args.checkpoint_every and step % args.checkpoint_every == 0) or step == total
        if step % args.log_every == 0 or due:
            values = torch.stack([d_loss.detach(), g_loss.detach(), torch.sigmoid(real_logits.detach()).mean(), torch.sigmoid(fake_logits.detach()).mean()])
            if world > 1:
                dist.all_reduce(values)
                values /= world
            d_value, g_value, d_real, d_fake = values.tolist()
            if not all(math.isfinite(v) for v in (d_value, g_value, d_real, d_fake)):
                kept = f'the last good checkpoint (step {last_saved}) is kept' if last_saved >= 0 else 'no checkpoint was written'
                log.say(f'Training diverged at step {step}: a loss is not finite; {kept}. Try lower learning rates.')
                return 1
            seconds = time.perf_counter() - timer
            rate = (step - timer_step) * 2 * batch * d_steps / max(seconds, 1e-9)
            eta = (total - step) * seconds / max(step - timer_step, 1)
            timer_step, timer = step, time.perf_counter()
            record = {'step': step, 'epoch': step // steps_per_epoch, 'dLoss': d_value, 'gLoss': g_value, 'dReal': d_real, 'dFake': d_fake,
                      'imagesPerSec': rate, 'etaSeconds': eta, 'time': int(time.time() * 1000)}
            log.metrics(record)
            log.say(f'step {step}/{total} epoch {record["epoch"]}  D {d_value:.3f}  G {g_value:.3f}  D(x) {d_real:.2f}  D(G(z)) {d_fake:.2f}  {rate:,.0f} img/s')
        if due and log_rank0:
            state = {'step': step, 'epoch': step // steps_per_epoch, 'g': g.state_dict(), 'd': d.state_dict(),
                     'opt_g': opt_g.state_dict(), 'opt_d': opt_d.state_dict(), 'preset': job['preset'], 'params': params}
            if average is not None:
                state['g_ema'] = average.generator.state_dict()
            log.say(f'checkpoint {save_checkpoint(args.out, state, rank, world)} (rank {rank})')
            last_saved = step

    if log_rank0:
        write_generator(args.out, average.generator if average else g, job, step, step // steps_per_epoch, args.seed, f'pytorch {torch.__version__} ({world} x {device.type})')
    return 0


def write_generator(out, g, job, step, epoch, seed, backend):
    """generator.onnx and metadata.json beside it, as the studio's ONNX export writes them."""
    now = datetime.datetime.now(datetime.timezone.utc).isoformat().replace('+00:00', 'Z')
    metadata = dict(job['onnxMetadata'], exportedAt=now, training={
        'runId': job['name'], 'checkpointId': f'step-{step:08d}', 'step': step, 'epoch': epoch,
        'seed': seed, 'backend': backend, 'checkpointCreatedAt': now,
    })
    path = os.path.join(out, 'generator.onnx')
    for name, data in (('generator.onnx', generator_onnx(g, job, metadata)), ('metadata.json', (json.dumps(metadata, indent=2) + '\n').encode())):
        temp = os.path.join(out, f'.{name}.tmp')
        with open(temp, 'wb') as f:
            f.write(data)
        os.replace(temp, os.path.join(out, name))
    print(f'Wrote {path} (step {step}); bring it back with: gan-studio import-generator {path} --project <project>', flush=True)


def main():
    with open(os.path.join(HERE, 'job.json'), encoding='utf-8') as f:
        job = json.load(f)
    args = parse_args(job)
    world = int(os.environ.get('WORLD_SIZE', '1'))
    rank = int(os.environ.get('RANK', '0'))
    if args.threads:
        torch.set_num_threads(args.threads)
    try:
        device = pick_device(args.device, int(os.environ.get('LOCAL_RANK', '0')))
        if world > 1:
            backend = args.dist_backend if args.dist_backend != 'auto' else ('nccl' if device.type == 'cuda' else 'gloo')
            dist.init_process_group(backend)
        try:
            return train(args, job, rank, world, device)
        finally:
            if world > 1:
                dist.destroy_process_group()
    except (ValueError, OSError) as error:
        print(f'train.py{f" (rank {rank})" if world > 1 else ""}: {error}', file=sys.stderr, flush=True)
        return 1


if __name__ == '__main__':
    sys.exit(main())
