"""An exponential moving average of G's weights (Karras et al. 2018; Yazici et al. 2019), as
main/engine/training/generatorAverage.ts keeps it: after G's update number t,
avg = beta * avg + (1 - beta) * w with beta = min(decay, (1 + t) / (10 + t)); batch-norm
statistics (buffers) are copied, not averaged. generator.onnx is the average when the run keeps one.
"""
import copy

import torch


def beta(decay, step):
    return min(decay, (1 + step) / (10 + step))


class GeneratorAverage:
    def __init__(self, source, decay):
        self.source = source
        self.decay = decay
        self.generator = copy.deepcopy(source)
        for p in self.generator.parameters():
            p.requires_grad_(False)

    @torch.no_grad()
    def update(self, step):
        b = beta(self.decay, step)
        for average, w in zip(self.generator.parameters(), self.source.parameters()):
            average.copy_(w + (average - w) * b)
        for average, w in zip(self.generator.buffers(), self.source.buffers()):
            average.copy_(w)
