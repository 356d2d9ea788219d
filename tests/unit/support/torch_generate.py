"""Test helper: an exported job's PyTorch generator, run in eval mode on given noise.

    python3 torch_generate.py requests.json

Each request: {"job": job folder, "studio": a studio checkpoint folder (loaded as --init-from
loads it) or "pt": a job checkpoint .pt, "noise": .npy, "classes": .npy or null, "out": .npy}.
Writes the images as float32 N x H x W x C (the studio's layout).
"""
import json
import os
import sys

import numpy as np
import torch

for request in json.load(open(sys.argv[1], encoding='utf-8')):
    sys.path.insert(0, request['job'])
    from gan_models import build_models
    from studio_checkpoint import load_studio_checkpoint

    with open(os.path.join(request['job'], 'job.json'), encoding='utf-8') as f:
        job = json.load(f)
    g, d, conditional = build_models(job)
    if request.get('studio'):
        load_studio_checkpoint(request['studio'], job, g, d)
    else:
        g.load_state_dict(torch.load(request['pt'], map_location='cpu')['g'])
    g.eval()
    noise = torch.from_numpy(np.load(request['noise']))
    classes = torch.from_numpy(np.load(request['classes'])) if conditional else None
    with torch.no_grad():
        images = g(noise, classes).permute(0, 2, 3, 1).contiguous().numpy().astype(np.float32)
    np.save(request['out'], images)
    sys.path.remove(request['job'])
