"""Writes the trained generator as generator.onnx in GAN Studio's ONNX contract.

The graph is the one the studio's own ONNX export writes for the preset (main/engine/export/onnx/
fromLayers.ts): the same ops in the same order, Keras weight layouts, batch norm folded into the
layer before it, inputs `noise` (float32 [batch, noise]) and `class_id` (int64 [batch]) and
outputs `image` (float32 NHWC in [-1, 1]) and `pixels` (uint8). The studio's metadata travels
inside as metadata_props["gan_studio"]. So `gan-studio import-generator` reads it like a studio
export, and onnxruntime runs it like one. The protobuf is written by hand (a few message types)
so the job needs neither the onnx package nor torch.onnx's tracer.
"""
import json
import struct

import numpy as np
import torch

FLOAT, UINT8, INT64 = 1, 2, 7
ATTR_FLOAT, ATTR_INT, ATTR_INTS = 1, 2, 7
OPSET, IR_VERSION = 13, 7


def _varint(n):
    n &= (1 << 64) - 1
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _field(number, wire, payload):
    return _varint(number << 3 | wire) + payload


def _int(number, value):
    return _field(number, 0, _varint(value))


def _bytes(number, data):
    return _field(number, 2, _varint(len(data)) + data)


def _str(number, text):
    return _bytes(number, text.encode('utf-8'))


def _attribute(name, value):
    if isinstance(value, float):
        return _str(1, name) + _field(2, 5, struct.pack('<f', value)) + _int(20, ATTR_FLOAT)
    if isinstance(value, int):
        return _str(1, name) + _int(3, value) + _int(20, ATTR_INT)
    return _str(1, name) + b''.join(_int(8, v) for v in value) + _int(20, ATTR_INTS)


def _value_info(name, elem_type, shape, doc):
    dims = b''.join(_bytes(1, _str(2, d) if isinstance(d, str) else _int(1, d)) for d in shape)
    tensor_type = _int(1, elem_type) + _bytes(2, dims)
    return _str(1, name) + _bytes(2, _bytes(1, tensor_type)) + _str(3, doc)


class Graph:
    """Nodes, constants, inputs and outputs, with unique value names (as graphBuilder.ts)."""

    def __init__(self):
        self.nodes, self.initializers, self.inputs, self.outputs = [], [], [], []
        self.used = set()

    def unique(self, hint):
        name, n = hint, 1
        while name in self.used:
            name, n = f'{hint}_{n}', n + 1
        self.used.add(name)
        return name

    def input(self, name, elem_type, shape, doc):
        self.used.add(name)
        self.inputs.append(_value_info(name, elem_type, shape, doc))
        return name

    def output(self, name, elem_type, shape, doc):
        self.outputs.append(_value_info(name, elem_type, shape, doc))

    def floats(self, hint, array):
        array = np.array(array, dtype='<f4', order='C')  # keeps 0-d scalars 0-d (ascontiguousarray makes them 1-d)
        return self._constant(hint, FLOAT, array)

    def int64s(self, hint, values):
        return self._constant(hint, INT64, np.asarray(values, dtype='<i8'))

    def _constant(self, hint, data_type, array):
        name = self.unique(hint)
        dims = b''.join(_int(1, d) for d in array.shape)
        self.initializers.append(dims + _int(2, data_type) + _str(8, name) + _bytes(9, array.tobytes()))
        return name

    def node(self, op, inputs, hint, name=None, **attributes):
        output = name or self.unique(hint)
        if name:
            self.used.add(name)
        body = b''.join(_str(1, i) for i in inputs) + _str(2, output) + _str(3, f'{op}_{output}') + _str(4, op)
        body += b''.join(_bytes(5, _attribute(k, v)) for k, v in attributes.items())
        self.nodes.append(body)
        return output

    def encode(self, name, doc):
        body = b''.join(_bytes(1, n) for n in self.nodes) + _str(2, name)
        body += b''.join(_bytes(5, t) for t in self.initializers) + _str(10, doc)
        body += b''.join(_bytes(11, i) for i in self.inputs) + b''.join(_bytes(12, o) for o in self.outputs)
        return body


def _numpy(tensor):
    return tensor.detach().cpu().double().numpy()


def _fold(norm):
    """Batch norm in inference form: scale = gamma / sqrt(var + eps), shift = beta - mean * scale."""
    scale = _numpy(norm.weight) / np.sqrt(_numpy(norm.running_var) + norm.eps)
    return scale, _numpy(norm.bias) - _numpy(norm.running_mean) * scale


def _gemm(graph, x, linear, hint, norm=None):
    kernel = _numpy(linear.weight).T  # Keras layout [in, out]
    bias = _numpy(linear.bias) if linear.bias is not None else np.zeros(kernel.shape[1])
    if norm is not None:
        scale, shift = _fold(norm)
        kernel, bias = kernel * scale, bias * scale + shift
    return graph.node('Gemm', [x, graph.floats(f'{hint}_kernel', kernel), graph.floats(f'{hint}_bias', bias)], hint)


def _conv_transpose(graph, x, conv, hint, norm=None):
    weight = _numpy(conv.weight)  # [in, out, kh, kw], as ONNX wants it
    bias = _numpy(conv.bias) if conv.bias is not None else np.zeros(weight.shape[1])
    if norm is not None:
        scale, shift = _fold(norm)
        weight, bias = weight * scale[None, :, None, None], bias * scale + shift
    pad_h, pad_w = conv.padding
    return graph.node(
        'ConvTranspose',
        [x, graph.floats(f'{hint}_kernel', weight), graph.floats(f'{hint}_bias', bias)],
        hint,
        kernel_shape=list(conv.kernel_size),
        strides=list(conv.stride),
        pads=[pad_h, pad_w, pad_h, pad_w],
        output_padding=list(conv.output_padding),
    )


def _generator_graph(g, job):
    image = job['image']
    height, width, channels = image['height'], image['width'], image['channels']
    noise_size = job['params']['noiseSize']
    graph = Graph()
    x = graph.input('noise', FLOAT, ['batch', noise_size], f'Noise z, float32 [batch, {noise_size}], drawn from N(0, 1)')
    if hasattr(g, 'g_class_embedding'):
        ids = graph.input('class_id', INT64, ['batch'], 'Class id per image, int64 [batch], 0 <= id < number of classes')
        table = graph.floats('g_class_embedding_table', _numpy(g.g_class_embedding.weight))
        embedded = graph.node('Gather', [table, ids], 'g_class_embedding', axis=0)
        x = graph.node('Concat', [x, embedded], 'g_join', axis=1)
    if hasattr(g, 'g_out'):
        for i, name in enumerate(g.hidden, start=1):
            x = graph.node('LeakyRelu', [_gemm(graph, x, getattr(g, name), name)], f'g_lrelu{i}', alpha=float(g.leak))
        x = graph.node('Tanh', [_gemm(graph, x, g.g_out, 'g_out')], 'g_out_tanh')
        x = graph.node('Reshape', [x, graph.int64s('g_image_shape', [0, height, width, channels])], 'image', name='image')
    else:
        x = graph.node('Relu', [_gemm(graph, x, g.g_project, 'g_project', g.g_bn0)], 'g_relu0')
        x = graph.node('Reshape', [x, graph.int64s('g_reshape_shape', [0, g.start, g.start, g.f0])], 'g_reshape')
        x = graph.node('Transpose', [x], 'g_reshape_nchw', perm=[0, 3, 1, 2])
        for i in range(1, g.layers):
            x = _conv_transpose(graph, x, getattr(g, f'g_deconv{i}'), f'g_deconv{i}', getattr(g, f'g_bn{i}'))
            x = graph.node('Relu', [x], f'g_relu{i}')
        x = graph.node('Tanh', [_conv_transpose(graph, x, g.g_image, 'g_image')], 'g_image_tanh')
        x = graph.node('Transpose', [x], 'image', name='image', perm=[0, 2, 3, 1])
    shape = ['batch', height, width, channels]
    graph.output('image', FLOAT, shape, 'Images, float32 [batch, height, width, channels] (NHWC), values in [-1, 1]')
    # pixels = uint8(clip(round((image + 1) * 127.5), 0, 255)): the studio's toPixels.
    x = graph.node('Add', [x, graph.floats('one', np.float32(1))], 'shifted')
    x = graph.node('Mul', [x, graph.floats('half_255', np.float32(127.5))], 'scaled')
    x = graph.node('Round', [x], 'rounded')
    x = graph.node('Clip', [x, graph.floats('zero', np.float32(0)), graph.floats('max_255', np.float32(255))], 'clipped')
    graph.node('Cast', [x], 'pixels', name='pixels', to=UINT8)
    graph.output('pixels', UINT8, shape, 'The same images as uint8 pixels [batch, height, width, channels]: clip(round((image + 1) * 127.5), 0, 255)')
    return graph


def generator_onnx(g, job, metadata):
    """The generator (in eval mode: batch norm on its running statistics) as .onnx bytes."""
    was_training = g.training
    g.eval()
    try:
        with torch.no_grad():
            graph = _generator_graph(g, job)
    finally:
        g.train(was_training)
    training = metadata['training']
    doc = (f'{metadata["presetTitle"]} generator trained in PyTorch on {metadata["dataset"]["name"]} '
           f'({training["runId"]}, step {training["step"]}). Inputs: '
           + ', '.join(i['name'] for i in metadata['inputs']) + '; outputs: ' + ', '.join(o['name'] for o in metadata['outputs']) + '.')
    props = {
        'gan_studio': json.dumps(metadata),
        'noise_size': str(metadata['noise']['size']),
        'classes': json.dumps([c['name'] for c in metadata['classes']]),
        'output_range': ','.join(str(v) for v in metadata['output']['range']),
    }
    model = _int(1, IR_VERSION) + _str(2, 'GAN Studio PyTorch job') + _str(3, f'torch {torch.__version__}')
    model += _str(6, doc) + _bytes(7, graph.encode('generator', 'GAN Studio generator'))
    model += _bytes(8, _str(1, '') + _int(2, OPSET))
    model += b''.join(_bytes(14, _str(1, k) + _str(2, v)) for k, v in props.items())
    return model

