"""Reads a GAN Studio checkpoint folder (runs/<run>/checkpoints/step-N/) into the PyTorch models.

The studio keeps TensorFlow.js weights: generator/model.json + weights.bin (G's moving average
when the run keeps one), generator-trained.json/.bin (then G's own weights, which training goes on
from), discriminator.json/.bin, optimizer-g.json/.bin, optimizer-d.json/.bin as a JSON list of
{name, shape, dtype} beside raw little-endian bytes. Weights are matched by the studio's layer
names, which gan_models.py uses as module names, and turned from Keras layouts into PyTorch's.
"""
import json
import os
import re

import numpy as np
import torch
from torch import nn

WEIGHT = re.compile(r'^(?P<layer>[^/]+)/(?P<short>kernel|bias|gamma|beta|moving_mean|moving_variance|embeddings|sn_u)(?:_\d+)?$')
# Keras weight name -> the PyTorch attribute holding it.
ATTRIBUTE = {
    'kernel': 'weight',
    'bias': 'bias',
    'gamma': 'weight',
    'beta': 'bias',
    'moving_mean': 'running_mean',
    'moving_variance': 'running_var',
    'embeddings': 'weight',
    'sn_u': 'sn_u',
}
TRAINED_GENERATOR = 'generator-trained'
DTYPES = {'float32': '<f4', 'int32': '<i4'}
# Layers whose studio weights have no PyTorch counterpart: the cdcgan discriminator's fixed one-hot table.
FIXED = {'d_class_onehot'}


def decode_tensors(specs, data, where):
    """[(name, array)] from a list of {name, shape, dtype} and the bytes they describe, in order."""
    out, offset = [], 0
    for spec in specs:
        dtype = np.dtype(DTYPES[spec['dtype']])
        count = int(np.prod(spec['shape'])) if spec['shape'] else 1
        end = offset + count * dtype.itemsize
        if end > len(data):
            raise ValueError(f'{where} ends before weight {spec["name"]}; the file is damaged')
        out.append((spec['name'], np.frombuffer(data, dtype=dtype, count=count, offset=offset).reshape(spec['shape'])))
        offset = end
    if offset != len(data):
        raise ValueError(f'{where} holds {len(data)} bytes but its spec describes {offset}; the file is damaged')
    return out


def read_tensors(folder, name):
    """A studio weights pair: <name>.json ({"weights": [...]}) and <name>.bin."""
    with open(os.path.join(folder, f'{name}.json'), encoding='utf-8') as f:
        specs = json.load(f)['weights']
    with open(os.path.join(folder, f'{name}.bin'), 'rb') as f:
        return decode_tensors(specs, f.read(), os.path.join(folder, f'{name}.bin'))


def read_generator(folder):
    """The generator's TF.js Layers model: model.json's manifest and its weight shards, in order."""
    model_dir = os.path.join(folder, 'generator')
    with open(os.path.join(model_dir, 'model.json'), encoding='utf-8') as f:
        manifest = json.load(f)['weightsManifest']
    specs = [w for group in manifest for w in group['weights']]
    data = b''
    for group in manifest:
        for path in group['paths']:
            with open(os.path.join(model_dir, path), 'rb') as f:
                data += f.read()
    return decode_tensors(specs, data, os.path.join(model_dir, 'model.json'))


def keras_to_torch(module, attribute, array):
    """Keras layouts to PyTorch's: dense [in, out] -> [out, in]; conv [kh, kw, in, out] -> [out, in, kh, kw];
    transposed conv [kh, kw, out, in] -> [in, out, kh, kw]."""
    if attribute == 'weight' and isinstance(module, nn.Linear):
        return array.T
    if attribute == 'weight' and isinstance(module, (nn.Conv2d, nn.ConvTranspose2d)):
        return array.transpose(3, 2, 0, 1)
    return array


def target_of(model, name, what):
    """The PyTorch module and attribute a studio weight name maps to, or None for fixed tables."""
    match = WEIGHT.match(name)
    if not match:
        raise ValueError(f'{what}: unexpected weight name {name!r}')
    layer = match['layer']
    if layer in FIXED:
        return None
    module = getattr(model, layer, None)
    if module is None:
        raise ValueError(f'{what}: the checkpoint has layer {layer!r}, which this {type(model).__name__} does not; was it made by another preset?')
    return module, ATTRIBUTE[match['short']]


def load_weights(model, tensors, what):
    """Copies studio weights into `model`, checking that every parameter and buffer is covered once."""
    expected = {k for k in model.state_dict() if not k.endswith('num_batches_tracked')}
    seen = set()
    with torch.no_grad():
        for name, array in tensors:
            target = target_of(model, name, what)
            if target is None:
                continue
            module, attribute = target
            key = f'{module_name(model, module)}.{attribute}'
            value = torch.from_numpy(np.array(keras_to_torch(module, attribute, array)))
            current = getattr(module, attribute)
            if tuple(current.shape) != tuple(value.shape):
                raise ValueError(f'{what}: {name} has shape {list(array.shape)}, which does not fit {key} {list(current.shape)}')
            current.copy_(value)
            seen.add(key)
    missing = sorted(expected - seen)
    if missing:
        raise ValueError(f'{what}: the checkpoint has no weights for {", ".join(missing)}')


def module_name(model, module):
    for name, candidate in model.named_modules():
        if candidate is module:
            return name
    raise ValueError('module not in model')


def load_adam(optimizer, model, tensors, what):
    """TF.js Adam state (iter, then every m, then every v, in variable order) into a PyTorch Adam.
    Both apply the same update; the studio's epsilon is 1e-7, which train.py passes to Adam too."""
    (iter_name, iterations), moments = tensors[0], tensors[1:]
    if iter_name != 'iter' or len(moments) % 2:
        raise ValueError(f'{what}: not a TF.js Adam state')
    half = len(moments) // 2
    step = float(iterations.reshape(-1)[0])
    for (m_name, m), (v_name, v) in zip(moments[:half], moments[half:]):
        variable = m_name[: -len('/m')]
        if not m_name.endswith('/m') or v_name != f'{variable}/v':
            raise ValueError(f'{what}: moments {m_name} and {v_name} do not pair up')
        module, attribute = target_of(model, variable, what)
        parameter = getattr(module, attribute)
        optimizer.state[parameter] = {
            'step': torch.tensor(step),
            'exp_avg': torch.from_numpy(np.array(keras_to_torch(module, attribute, m))).to(parameter.device),
            'exp_avg_sq': torch.from_numpy(np.array(keras_to_torch(module, attribute, v))).to(parameter.device),
        }
    return int(step)


def read_checkpoint_file(folder):
    path = os.path.join(folder, 'checkpoint.json')
    if not os.path.isfile(path):
        raise ValueError(f'{folder} is not a GAN Studio checkpoint folder (no checkpoint.json); pass runs/<run>/checkpoints/step-N or the job\'s init/ folder')
    with open(path, encoding='utf-8') as f:
        return json.load(f)


def load_studio_checkpoint(folder, job, generator, discriminator, optimizer_g=None, optimizer_d=None, average=None):
    """Puts a studio checkpoint into the models (and the optimizers, where it holds their state).
    G gets G's own weights (generator-trained when the checkpoint has them, else generator/), and
    `average`, G's moving average, gets generator/, as the studio resumes a run. Returns the
    checkpoint's step and epoch and which parts were loaded. An imported generator has no
    discriminator or optimizer state: those then keep their fresh start."""
    info = read_checkpoint_file(folder)
    if info.get('preset') != job['preset']:
        raise ValueError(f'{folder} is a {info.get("preset")} checkpoint; this job trains {job["preset"]}')
    if info.get('image') != {k: job['image'][k] for k in ('height', 'width', 'channels')}:
        raise ValueError(f'{folder} was trained on {info.get("image")} images; this job trains {job["image"]}')
    published = read_generator(folder)
    if average is not None and os.path.isfile(os.path.join(folder, f'{TRAINED_GENERATOR}.json')):
        load_weights(generator, read_tensors(folder, TRAINED_GENERATOR), TRAINED_GENERATOR)
        load_weights(average, published, 'generator (moving average)')
        parts = [TRAINED_GENERATOR, 'generator (moving average)']
    else:
        load_weights(generator, published, 'generator')
        if average is not None:
            average.load_state_dict(generator.state_dict())
        parts = ['generator']
    if os.path.isfile(os.path.join(folder, 'discriminator.json')):
        load_weights(discriminator, read_tensors(folder, 'discriminator'), 'discriminator')
        parts.append('discriminator')
    for optimizer, model, name in ((optimizer_g, generator, 'optimizer-g'), (optimizer_d, discriminator, 'optimizer-d')):
        owner_loaded = name == 'optimizer-g' or 'discriminator' in parts
        if optimizer is not None and owner_loaded and os.path.isfile(os.path.join(folder, f'{name}.json')):
            load_adam(optimizer, model, read_tensors(folder, name), name)
            parts.append(name)
    return {'step': int(info['step']), 'epoch': int(info['epoch']), 'parts': parts, 'run': info.get('runId'), 'id': info.get('id')}
