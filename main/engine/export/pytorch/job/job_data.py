"""The dataset of the job (dataset.npz) cut into per-process batches.

Each process draws its share of every global batch from a DistributedSampler: the epoch's
shuffle is seeded (the same on every process) and each process takes a disjoint slice. Batch b
of a run is a pure function of (seed, b, rank), so a resumed run reads the very batches the
uninterrupted one would have read.
"""
import numpy as np
import torch
from torch.utils.data.distributed import DistributedSampler

from gan_models import images_from_uint8


def load_dataset(path, job):
    """images (uint8 N x H x W x C) and labels (int64 N) from the npz, checked against job.json."""
    with np.load(path, allow_pickle=False) as data:
        images, labels = data['images'], data['labels'].astype(np.int64)
    image = job['image']
    want = (image['height'], image['width'], image['channels'])
    if images.dtype != np.uint8 or images.ndim != 4 or images.shape[1:] != want:
        raise ValueError(f'{path} holds {images.dtype} images of shape {images.shape[1:]}; this job needs uint8 {want}')
    if labels.shape != (images.shape[0],):
        raise ValueError(f'{path} has {labels.shape[0]} labels for {images.shape[0]} images')
    classes = len(job['classes'])
    if classes and (labels.min() < 0 or labels.max() >= classes):
        raise ValueError(f'{path} has labels outside 0..{classes - 1}')
    return torch.from_numpy(images), torch.from_numpy(labels)


class Batches:
    """Real batches for one process: `per_process` images of every global batch."""

    def __init__(self, images, labels, global_batch, rank, world, seed):
        if global_batch % world:
            raise ValueError(f'The batch size {global_batch} does not split evenly over {world} processes; pick a multiple of {world} (--batch-size)')
        self.images, self.labels = images, labels
        self.per_process = global_batch // world
        self.sampler = DistributedSampler(range(len(images)), num_replicas=world, rank=rank, shuffle=True, seed=seed, drop_last=True)
        self.per_epoch = len(self.sampler) // self.per_process
        if self.per_epoch < 1:
            raise ValueError(f'The batch size {global_batch} is larger than the dataset ({len(images)} images)')
        self._epoch, self._order = -1, None

    def get(self, b, device):
        """Global batch number b (counting from the start of the run) as float NCHW in [-1, 1] and labels."""
        epoch, within = divmod(b, self.per_epoch)
        if epoch != self._epoch:
            self.sampler.set_epoch(epoch)
            self._order = torch.tensor(list(iter(self.sampler)), dtype=torch.int64)
            self._epoch = epoch
        index = self._order[within * self.per_process:(within + 1) * self.per_process]
        real = images_from_uint8(self.images[index].to(device, non_blocking=True))
        return real, self.labels[index].to(device, non_blocking=True)
