"""Test helper: an exported job's PyTorch generator (and discriminator), run in eval mode.

    python3 torch_generate.py requests.json

Each request: {"job": job folder, "studio": a studio checkpoint folder (loaded as --init-from
loads it) or "pt": a job checkpoint .pt, "generator": "trained" (G itself) or "average" (G's
moving average, when the job keeps one), "noise": .npy, "classes": .npy, "out": .npy, and
optionally "images": .npy (N x H x W x C) with "dOut": .npy for D's outputs on them (with the
classes). Writes the images as float32 N x H x W x C (the studio's layout) and D's outputs as N x 1.
"""
import copy
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
    average = copy.deepcopy(g) if job['params']['emaDecay'] > 0 else None
    if request.get('studio'):
        load_studio_checkpoint(request['studio'], job, g, d, average=average)
    else:
        state = torch.load(request['pt'], map_location='cpu')
        g.load_state_dict(state['g'])
        d.load_state_dict(state['d'])
        if average is not None:
            average.load_state_dict(state['g_ema'])
    wanted = request.get('generator', 'average')
    if wanted == 'average' and average is None:
        raise SystemExit(f'{request["job"]}: the job keeps no moving average of G')
    generator = average if wanted == 'average' else g
    generator.eval()
    d.eval()
    classes = torch.from_numpy(np.load(request['classes'])) if conditional else None
    with torch.no_grad():
        noise = torch.from_numpy(np.load(request['noise']))
        np.save(request['out'], generator(noise, classes).permute(0, 2, 3, 1).contiguous().numpy().astype(np.float32))
        if request.get('images'):
            images = torch.from_numpy(np.load(request['images'])).permute(0, 3, 1, 2).contiguous()
            np.save(request['dOut'], d(images, classes).numpy().astype(np.float32))
    sys.path.remove(request['job'])
    for name in ('gan_models', 'studio_checkpoint', 'diff_augment', 'losses', 'generator_average'):
        sys.modules.pop(name, None)
