"""Checkpoints of the PyTorch job: written by rank 0 only, atomically, and found again on restart.

<out>/checkpoints/step-NNNNNNNN.pt holds G and D, both Adam states, the step and epoch, and
which process wrote it. A file is written beside its final name and renamed into place, so a
job killed at any instant leaves only complete checkpoints, and a restart with the same command
resumes from the newest.
"""
import datetime
import os
import re

import torch

FORMAT = 'gan-studio/pytorch-checkpoint'
VERSION = 1
NAME = re.compile(r'^step-(\d{8})\.pt$')


def checkpoint_dir(out):
    return os.path.join(out, 'checkpoints')


def latest_checkpoint(out):
    """The path of the newest complete checkpoint under <out>/checkpoints, or None."""
    folder = checkpoint_dir(out)
    if not os.path.isdir(folder):
        return None
    found = sorted((int(m[1]), name) for name in os.listdir(folder) if (m := NAME.match(name)))
    return os.path.join(folder, found[-1][1]) if found else None


def save_checkpoint(out, state, rank, world):
    """Writes the checkpoint of `state` (step, epoch, g, d, opt_g, opt_d); only rank 0 calls this."""
    folder = checkpoint_dir(out)
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, f'step-{state["step"]:08d}.pt')
    temp = os.path.join(folder, f'.step-{state["step"]:08d}.pt.{os.getpid()}.tmp')
    payload = dict(state, format=FORMAT, version=VERSION, writtenBy={'rank': rank, 'worldSize': world},
                   createdAt=datetime.datetime.now(datetime.timezone.utc).isoformat())
    with open(temp, 'wb') as f:
        torch.save(payload, f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(temp, path)
    return path


def load_checkpoint(path, device):
    payload = torch.load(path, map_location=device)
    if payload.get('format') != FORMAT:
        raise ValueError(f'{path} is not a checkpoint of this job')
    if payload.get('version', 0) > VERSION:
        raise ValueError(f'{path} was written by a newer job (version {payload["version"]})')
    return payload
