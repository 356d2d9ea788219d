"""DiffAugment (Zhao et al. 2020), after the paper's PyTorch reference code (DiffAugment_pytorch.py),
with the transforms of main/engine/training/diffAugment.ts: colour (brightness, saturation,
contrast), translation by up to 1/8 of the image with zero fill, cutout of a half-size square.
Each call draws new random numbers per image (from PyTorch's generator); every op is
differentiable with respect to the images, so G learns through the augmented fakes.
Images are NCHW.
"""
import torch
from torch.nn import functional as F


def _per_image(x):
    return torch.rand(x.shape[0], 1, 1, 1, dtype=x.dtype, device=x.device)


def _color(x):
    x = x + (_per_image(x) - 0.5)
    mean = x.mean(dim=1, keepdim=True)
    x = (x - mean) * (_per_image(x) * 2) + mean
    mean = x.mean(dim=[1, 2, 3], keepdim=True)
    return (x - mean) * (_per_image(x) + 0.5) + mean


def _grid(x, rows, cols):
    return torch.meshgrid(
        torch.arange(x.shape[0], dtype=torch.long, device=x.device),
        torch.arange(rows, dtype=torch.long, device=x.device),
        torch.arange(cols, dtype=torch.long, device=x.device),
        indexing='ij',
    )


def _translation(x, ratio=0.125):
    height, width = x.shape[2], x.shape[3]
    shift_y, shift_x = int(height * ratio + 0.5), int(width * ratio + 0.5)
    dy = torch.randint(-shift_y, shift_y + 1, size=[x.shape[0], 1, 1], device=x.device)
    dx = torch.randint(-shift_x, shift_x + 1, size=[x.shape[0], 1, 1], device=x.device)
    batch, rows, cols = _grid(x, height, width)
    # Index 0 and the last of each padded axis are the zero border: shifted-out pixels read zeros.
    rows = torch.clamp(rows + dy + 1, 0, height + 1)
    cols = torch.clamp(cols + dx + 1, 0, width + 1)
    padded = F.pad(x, [1, 1, 1, 1, 0, 0, 0, 0])
    return padded.permute(0, 2, 3, 1).contiguous()[batch, rows, cols].permute(0, 3, 1, 2)


def _cutout(x, ratio=0.5):
    height, width = x.shape[2], x.shape[3]
    size_y, size_x = int(height * ratio + 0.5), int(width * ratio + 0.5)
    top = torch.randint(0, height + (1 - size_y % 2), size=[x.shape[0], 1, 1], device=x.device)
    left = torch.randint(0, width + (1 - size_x % 2), size=[x.shape[0], 1, 1], device=x.device)
    batch, rows, cols = _grid(x, size_y, size_x)
    rows = torch.clamp(rows + top - size_y // 2, min=0, max=height - 1)
    cols = torch.clamp(cols + left - size_x // 2, min=0, max=width - 1)
    mask = torch.ones(x.shape[0], height, width, dtype=x.dtype, device=x.device)
    mask[batch, rows, cols] = 0
    return x * mask.unsqueeze(1)


TRANSFORMS = {'color': _color, 'translation': _translation, 'cutout': _cutout}


class DiffAugment:
    """The run's augmentPolicy, applied in its order."""

    def __init__(self, policy):
        unknown = [p for p in policy if p not in TRANSFORMS]
        if unknown or not policy:
            raise ValueError(f'augmentPolicy {policy} must name some of {", ".join(TRANSFORMS)}')
        self.transforms = [TRANSFORMS[p] for p in policy]

    def __call__(self, x):
        for transform in self.transforms:
            x = transform(x)
        return x


def augments(params, dataset_size, auto_below):
    """Whether the run augments: 'on', or 'auto' on a dataset smaller than the studio's threshold."""
    mode = params.get('augment', 'off')
    return mode == 'on' or (mode == 'auto' and dataset_size < auto_below)
