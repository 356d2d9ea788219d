#!/usr/bin/env python3
"""PyTorch peer of the GAN Studio benchmark.

Trains the same four presets as main/engine/models/ (same layers, same sizes, same parameter
counts) with the same step as main/engine/training/trainer.ts: D on a real and a fake batch,
then G with target 1 (non-saturating), Adam(2e-4, 0.5, 0.999), BCE on logits. Prints one JSON
line. Thread pools are set by the caller: OPENBLAS_NUM_THREADS in the environment (read when
the library loads) and --torch-threads here.

    python3 bench/torch_peer.py --preset dcgan --batch 64 --warmup 3 --steps 10 --torch-threads 2
"""
import argparse
import json
import os
import time

import torch
from torch import nn

SIZE, CHANNELS, CLASSES, NOISE = 28, 1, 10, 100
HIDDEN = [256, 512, 1024]
LEAK, DROPOUT, BASE_FILTERS = 0.2, 0.3, 64


class MlpGenerator(nn.Module):
    """noise (+ class embedding) -> 256 -> 512 -> 1024 -> H*W*C, LeakyReLU between, tanh out."""

    def __init__(self, conditional):
        super().__init__()
        self.embedding = nn.Embedding(CLASSES, CLASSES) if conditional else None
        layers, width = [], NOISE + (CLASSES if conditional else 0)
        for units in HIDDEN:
            layers += [nn.Linear(width, units), nn.LeakyReLU(LEAK)]
            width = units
        layers += [nn.Linear(width, SIZE * SIZE * CHANNELS), nn.Tanh()]
        self.net = nn.Sequential(*layers)

    def forward(self, z, classes=None):
        if self.embedding is not None:
            z = torch.cat([z, self.embedding(classes)], 1)
        return self.net(z).view(-1, CHANNELS, SIZE, SIZE)


class MlpDiscriminator(nn.Module):
    """image (+ class embedding) -> 1024 -> 512 -> 256 -> logit, LeakyReLU and dropout between."""

    def __init__(self, conditional):
        super().__init__()
        self.embedding = nn.Embedding(CLASSES, CLASSES) if conditional else None
        layers, width = [], SIZE * SIZE * CHANNELS + (CLASSES if conditional else 0)
        for units in reversed(HIDDEN):
            layers += [nn.Linear(width, units), nn.LeakyReLU(LEAK), nn.Dropout(DROPOUT)]
            width = units
        layers += [nn.Linear(width, 1)]
        self.net = nn.Sequential(*layers)

    def forward(self, x, classes=None):
        x = x.flatten(1)
        if self.embedding is not None:
            x = torch.cat([x, self.embedding(classes)], 1)
        return self.net(x)


# 28 = 7 x 2^2: one projection to 7x7, then two stride-2 transposed convolutions (as dcgan.ts).
START, LAYERS = 7, 2


def filters_at(level):
    return BASE_FILTERS * 2 ** level


class DcganGenerator(nn.Module):
    """Dense to 7x7x128 + BN + ReLU, ConvT 4/2 to 64 + BN + ReLU, ConvT 4/2 to C with tanh."""

    def __init__(self, conditional):
        super().__init__()
        self.embedding = nn.Embedding(CLASSES, CLASSES) if conditional else None
        f0 = filters_at(LAYERS - 1)
        self.f0 = f0
        self.project = nn.Sequential(
            nn.Linear(NOISE + (CLASSES if conditional else 0), START * START * f0, bias=False),
            nn.BatchNorm1d(START * START * f0, momentum=0.1, eps=1e-5),
            nn.ReLU(),
        )
        layers = []
        for i in range(1, LAYERS):
            layers += [
                nn.ConvTranspose2d(filters_at(LAYERS - i), filters_at(LAYERS - 1 - i), 4, 2, 1, bias=False),
                nn.BatchNorm2d(filters_at(LAYERS - 1 - i), momentum=0.1, eps=1e-5),
                nn.ReLU(),
            ]
        layers += [nn.ConvTranspose2d(filters_at(0), CHANNELS, 4, 2, 1, bias=True), nn.Tanh()]
        self.deconv = nn.Sequential(*layers)

    def forward(self, z, classes=None):
        if self.embedding is not None:
            z = torch.cat([z, self.embedding(classes)], 1)
        return self.deconv(self.project(z).view(-1, self.f0, START, START))


class DcganDiscriminator(nn.Module):
    """Conv 4/2 to 64 (bias) + LeakyReLU, Conv 4/2 to 128 + BN + LeakyReLU, dense logit.
    Conditional: a class embedding of H*W values becomes an extra image channel."""

    def __init__(self, conditional):
        super().__init__()
        self.embedding = nn.Embedding(CLASSES, SIZE * SIZE) if conditional else None
        layers, width = [], CHANNELS + (1 if conditional else 0)
        for i in range(LAYERS):
            layers.append(nn.Conv2d(width, filters_at(i), 4, 2, 1, bias=(i == 0)))
            if i > 0:
                layers.append(nn.BatchNorm2d(filters_at(i), momentum=0.1, eps=1e-5))
            layers.append(nn.LeakyReLU(LEAK))
            width = filters_at(i)
        self.conv = nn.Sequential(*layers)
        self.logit = nn.Linear(width * START * START, 1)

    def forward(self, x, classes=None):
        if self.embedding is not None:
            x = torch.cat([x, self.embedding(classes).view(-1, 1, SIZE, SIZE)], 1)
        return self.logit(self.conv(x).flatten(1))


PRESETS = {
    'mlp': (MlpGenerator, MlpDiscriminator, False),
    'cgan': (MlpGenerator, MlpDiscriminator, True),
    'dcgan': (DcganGenerator, DcganDiscriminator, False),
    'cdcgan': (DcganGenerator, DcganDiscriminator, True),
}


def parameters(module):
    return sum(p.numel() for p in module.parameters() if p.requires_grad)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--preset', choices=PRESETS, required=True)
    parser.add_argument('--batch', type=int, default=64)
    parser.add_argument('--warmup', type=int, default=3)
    parser.add_argument('--steps', type=int, default=20)
    parser.add_argument('--torch-threads', type=int, default=1)
    args = parser.parse_args()

    torch.set_num_threads(args.torch_threads)
    torch.manual_seed(7)
    make_g, make_d, conditional = PRESETS[args.preset]
    generator, discriminator = make_g(conditional), make_d(conditional)
    generator.train()
    discriminator.train()
    opt_g = torch.optim.Adam(generator.parameters(), lr=2e-4, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(discriminator.parameters(), lr=2e-4, betas=(0.5, 0.999))
    bce = nn.BCEWithLogitsLoss()
    n = args.batch
    # The dataset as the engine keeps it: uint8 images, scaled to [-1, 1] per batch.
    count = max(4096, 4 * n)
    images = torch.randint(0, 256, (count, CHANNELS, SIZE, SIZE), dtype=torch.uint8)
    labels = torch.randint(0, CLASSES, (count,))
    ones, zeros = torch.ones(n, 1), torch.zeros(n, 1)

    def step(i):
        index = torch.randint(0, count, (n,))
        real = images[index].float().div_(127.5).sub_(1)
        real_classes = labels[index] if conditional else None
        noise = torch.randn(n, NOISE)
        fake_classes = torch.randint(0, CLASSES, (n,)) if conditional else None
        # D step: G's output is only an input here (the engine computes it outside the tape).
        with torch.no_grad():
            fake = generator(noise, fake_classes)
        opt_d.zero_grad(set_to_none=True)
        real_logits = discriminator(real, real_classes)
        fake_logits = discriminator(fake, fake_classes)
        d_loss = bce(real_logits, ones) + bce(fake_logits, zeros)
        d_loss.backward()
        opt_d.step()
        # G step: only G's weights get gradients, as in the engine.
        for p in discriminator.parameters():
            p.requires_grad_(False)
        opt_g.zero_grad(set_to_none=True)
        g_loss = bce(discriminator(generator(noise, fake_classes), fake_classes), ones)
        g_loss.backward()
        opt_g.step()
        for p in discriminator.parameters():
            p.requires_grad_(True)
        return d_loss, g_loss

    for i in range(args.warmup):
        step(i)
    start = time.perf_counter()
    for i in range(args.steps):
        d_loss, g_loss = step(i)
    float(d_loss), float(g_loss)
    seconds = time.perf_counter() - start
    print(json.dumps({
        'preset': args.preset,
        'batchSize': n,
        'imagesPerSec': args.steps * 2 * n / seconds,
        'msPerStep': seconds * 1000 / args.steps,
        'steps': args.steps,
        'parameters': {'generator': parameters(generator), 'discriminator': parameters(discriminator)},
        'torch': torch.__version__,
        'torchThreads': torch.get_num_threads(),
        'openblasThreads': os.environ.get('OPENBLAS_NUM_THREADS'),
    }))


if __name__ == '__main__':
    main()
