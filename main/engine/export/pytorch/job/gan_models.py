"""The GAN Studio presets in PyTorch: the same layers, sizes, initialisation and layer names.

D follows the run's recipe as the studio builds it: spectral normalization on its weight layers
when `spectralNorm` is on, and no batch norm under spectral norm or WGAN-GP (convolutions then
keep their bias).

Every module is named after the studio's layer (g_project, g_bn0, d_conv1, ...) so a studio
checkpoint's weights map onto it by name (studio_checkpoint.py) and the ONNX writer can emit
the studio's graph (onnx_writer.py). Images go in and out as NCHW tensors in [-1, 1]; where the
studio flattens or reshapes channels-last (NHWC), these modules do the same, so the weights of
the dense layers next to those reshapes mean the same thing in both.
"""
import torch
from torch import nn
from torch.nn import functional as F

# The studio's batch norm: Keras momentum 0.9 is PyTorch momentum 0.1; epsilon 1e-5.
BN_MOMENTUM = 0.1
BN_EPSILON = 1e-5


def class_embedding_size(classes):
    """Width of the cgan preset's class embedding (main/engine/models/imageShape.ts)."""
    return max(50, classes)


def upsampling_plan(size):
    """How many stride-2 layers take a 4-7 pixel map to the image size (main/engine/models/dcgan.ts)."""
    start, layers = size, 0
    while start % 2 == 0 and start // 2 >= 4:
        start //= 2
        layers += 1
    if layers == 0:
        raise ValueError(f'The convolutional presets need an image size that halves at least once to 4 or more pixels; got {size}')
    return start, layers


def _glorot(layer):
    # Keras glorot_uniform on a [in, out] kernel is xavier_uniform on PyTorch's [out, in] weight.
    nn.init.xavier_uniform_(layer.weight)
    if layer.bias is not None:
        nn.init.zeros_(layer.bias)


def _dcgan_init(module):
    """N(0, 0.02) weights, zero biases; batch norm gamma N(1, 0.02), beta 0 (Radford et al.)."""
    for layer in module.modules():
        if isinstance(layer, (nn.Linear, nn.Conv2d, nn.ConvTranspose2d)):
            nn.init.normal_(layer.weight, 0.0, 0.02)
            if layer.bias is not None:
                nn.init.zeros_(layer.bias)
        elif isinstance(layer, (nn.BatchNorm1d, nn.BatchNorm2d)):
            nn.init.normal_(layer.weight, 1.0, 0.02)
            nn.init.zeros_(layer.bias)


def _normalize(x):
    # The studio's x / (|x| + 1e-12), not F.normalize's x / max(|x|, eps).
    return x / (x.norm() + 1e-12)


class _SpectralNorm:
    """Spectral normalization (Miyato et al. 2018) as main/engine/models/spectralNorm.ts does it:
    the weight seen as a [units, fan-in] matrix W is divided by sigma(W), estimated by one step of
    power iteration per call from the vector u kept in the buffer `sn_u` (the studio's non-trainable
    sn_u weight): v = norm(W^T u), u' = norm(W v), sigma = u'^T W v with u' and v constants for the
    gradient. Training calls keep u'; inference calls compute it afresh from u and keep nothing, as
    the studio's layer does. Permuting W's fan-in (PyTorch's [out, in, kh, kw] against Keras's
    [kh, kw, in, out]) changes neither sigma nor u."""

    def _init_sn(self, units):
        self.register_buffer('sn_u', torch.randn(units))

    def normalized_weight(self):
        matrix = self.weight.reshape(self.weight.shape[0], -1)
        with torch.no_grad():
            v = _normalize(matrix.t() @ self.sn_u)
            u = _normalize(matrix @ v)
            if self.training:
                self.sn_u.copy_(u)
        return self.weight / torch.dot(u, matrix @ v)


class SpectralLinear(nn.Linear, _SpectralNorm):
    def __init__(self, fan_in, units):
        super().__init__(fan_in, units)
        self._init_sn(units)

    def forward(self, x):
        return F.linear(x, self.normalized_weight(), self.bias)


class SpectralConv2d(nn.Conv2d, _SpectralNorm):
    def __init__(self, channels, units, kernel, stride, padding):
        super().__init__(channels, units, kernel, stride, padding, bias=True)
        self._init_sn(units)

    def forward(self, x):
        return self._conv_forward(x, self.normalized_weight(), self.bias)


def discriminator_batch_norm(params):
    """Whether D has batch norm: not under spectral norm, nor under WGAN-GP, whose penalty is per image."""
    return not params.get('spectralNorm', False) and params.get('loss', 'bce') != 'wgan-gp'


def _to_nhwc_flat(x):
    return x.permute(0, 2, 3, 1).flatten(1)


class MlpGenerator(nn.Module):
    """noise (+ class embedding) -> hidden dense layers with LeakyReLU -> H*W*C, tanh, reshaped NHWC."""

    def __init__(self, image, params, classes):
        super().__init__()
        self.image = image
        self.leak = params['leak']
        width = params['noiseSize']
        if classes:
            self.g_class_embedding = nn.Embedding(classes, class_embedding_size(classes))
            nn.init.normal_(self.g_class_embedding.weight, 0.0, 1.0)
            width += class_embedding_size(classes)
        self.hidden = []
        for i, units in enumerate(params['hiddenUnits'], start=1):
            layer = nn.Linear(width, units)
            _glorot(layer)
            setattr(self, f'g_dense{i}', layer)
            self.hidden.append(f'g_dense{i}')
            width = units
        self.g_out = nn.Linear(width, image['height'] * image['width'] * image['channels'])
        _glorot(self.g_out)

    def forward(self, noise, classes=None):
        x = noise
        if hasattr(self, 'g_class_embedding'):
            x = torch.cat([x, self.g_class_embedding(classes)], 1)
        for name in self.hidden:
            x = F.leaky_relu(getattr(self, name)(x), self.leak)
        x = torch.tanh(self.g_out(x))
        return x.view(-1, self.image['height'], self.image['width'], self.image['channels']).permute(0, 3, 1, 2)


class MlpDiscriminator(nn.Module):
    """NHWC-flattened image (+ class embedding) -> mirrored dense layers, LeakyReLU, dropout -> logit."""

    def __init__(self, image, params, classes):
        super().__init__()
        self.leak = params['leak']
        self.dropout = params['dropout']
        width = image['height'] * image['width'] * image['channels']
        if classes:
            self.d_class_embedding = nn.Embedding(classes, class_embedding_size(classes))
            nn.init.normal_(self.d_class_embedding.weight, 0.0, 1.0)
            width += class_embedding_size(classes)
        dense = SpectralLinear if params.get('spectralNorm', False) else nn.Linear
        self.hidden = []
        for i, units in enumerate(reversed(params['hiddenUnits']), start=1):
            layer = dense(width, units)
            _glorot(layer)
            setattr(self, f'd_dense{i}', layer)
            self.hidden.append(f'd_dense{i}')
            width = units
        self.d_logit = dense(width, 1)
        _glorot(self.d_logit)

    def forward(self, images, classes=None):
        x = _to_nhwc_flat(images)
        if hasattr(self, 'd_class_embedding'):
            x = torch.cat([x, self.d_class_embedding(classes)], 1)
        for name in self.hidden:
            x = F.dropout(F.leaky_relu(getattr(self, name)(x), self.leak), self.dropout, self.training)
        return self.d_logit(x)


class DcganGenerator(nn.Module):
    """Dense projection + BN + ReLU reshaped NHWC, stride-2 transposed convolutions + BN + ReLU, tanh."""

    def __init__(self, image, params, classes):
        super().__init__()
        self.start, self.layers = upsampling_plan(image['height'])
        base = params['baseFilters']
        self.f0 = base * 2 ** (self.layers - 1)
        width = params['noiseSize']
        if classes:
            # One dim per class, N(0, 1): wider, it outweighed the noise and each class collapsed.
            self.g_class_embedding = nn.Embedding(classes, classes)
            width += classes
        self.g_project = nn.Linear(width, self.start * self.start * self.f0, bias=False)
        self.g_bn0 = nn.BatchNorm1d(self.start * self.start * self.f0, eps=BN_EPSILON, momentum=BN_MOMENTUM)
        channels = self.f0
        for i in range(1, self.layers):
            out = base * 2 ** (self.layers - 1 - i)
            # TensorFlow's 'same' padding for kernel 4, stride 2 pads 1 on each side: padding=1 here.
            setattr(self, f'g_deconv{i}', nn.ConvTranspose2d(channels, out, 4, 2, 1, bias=False))
            setattr(self, f'g_bn{i}', nn.BatchNorm2d(out, eps=BN_EPSILON, momentum=BN_MOMENTUM))
            channels = out
        self.g_image = nn.ConvTranspose2d(channels, image['channels'], 4, 2, 1, bias=True)
        _dcgan_init(self)
        if classes:
            nn.init.normal_(self.g_class_embedding.weight, 0.0, 1.0)

    def forward(self, noise, classes=None):
        x = noise
        if hasattr(self, 'g_class_embedding'):
            x = torch.cat([x, self.g_class_embedding(classes)], 1)
        x = F.relu(self.g_bn0(self.g_project(x)))
        x = x.view(-1, self.start, self.start, self.f0).permute(0, 3, 1, 2)
        for i in range(1, self.layers):
            x = F.relu(getattr(self, f'g_bn{i}')(getattr(self, f'g_deconv{i}')(x)))
        return torch.tanh(self.g_image(x))


class DcganDiscriminator(nn.Module):
    """Stride-2 convolutions (BN after all but the first, unless the recipe drops it) with LeakyReLU,
    NHWC flatten, dense logit; spectral norm on each when the recipe has it. Conditional: the
    one-hot class as constant image planes after the picture's channels."""

    def __init__(self, image, params, classes):
        super().__init__()
        self.start, self.layers = upsampling_plan(image['height'])
        self.leak = params['leak']
        self.classes = classes
        base = params['baseFilters']
        spectral = params.get('spectralNorm', False)
        self.batch_norm = discriminator_batch_norm(params)
        channels = image['channels'] + classes
        for i in range(self.layers):
            out = base * 2 ** i
            with_norm = self.batch_norm and i > 0
            # TensorFlow's 'same' padding for kernel 4, stride 2 pads 1 on each side: padding=1 here.
            conv = SpectralConv2d(channels, out, 4, 2, 1) if spectral else nn.Conv2d(channels, out, 4, 2, 1, bias=not with_norm)
            setattr(self, f'd_conv{i + 1}', conv)
            if with_norm:
                setattr(self, f'd_bn{i}', nn.BatchNorm2d(out, eps=BN_EPSILON, momentum=BN_MOMENTUM))
            channels = out
        self.d_logit = (SpectralLinear if spectral else nn.Linear)(self.start * self.start * channels, 1)
        _dcgan_init(self)

    def forward(self, images, classes=None):
        x = images
        if self.classes:
            planes = F.one_hot(classes, self.classes).to(images.dtype)[:, :, None, None]
            x = torch.cat([x, planes.expand(-1, -1, images.shape[2], images.shape[3])], 1)
        for i in range(self.layers):
            x = getattr(self, f'd_conv{i + 1}')(x)
            if self.batch_norm and i > 0:
                x = getattr(self, f'd_bn{i}')(x)
            x = F.leaky_relu(x, self.leak)
        return self.d_logit(_to_nhwc_flat(x))


PRESETS = {
    'mlp': (MlpGenerator, MlpDiscriminator, False),
    'cgan': (MlpGenerator, MlpDiscriminator, True),
    'dcgan': (DcganGenerator, DcganDiscriminator, False),
    'cdcgan': (DcganGenerator, DcganDiscriminator, True),
}


def build_models(job):
    """G and D for the job's preset, parameters, image shape and classes (job.json)."""
    preset = job['preset']
    if preset not in PRESETS:
        raise ValueError(f'Unknown preset {preset!r}; this job knows {", ".join(PRESETS)}')
    make_g, make_d, conditional = PRESETS[preset]
    classes = len(job['classes']) if conditional else 0
    if conditional and classes < 2:
        raise ValueError(f'The {preset} preset needs at least two classes; job.json lists {classes}')
    image = job['image']
    if make_g is DcganGenerator and image['height'] != image['width']:
        raise ValueError(f'The convolutional presets need square images; got {image["width"]}x{image["height"]}')
    return make_g(image, job['params'], classes), make_d(image, job['params'], classes), conditional


def parameter_count(module):
    return sum(p.numel() for p in module.parameters() if p.requires_grad)


def seed_for(*parts):
    """A 31-bit seed mixed from integers (the same role as shared/random.ts mixSeed)."""
    h = 0x811C9DC5
    for part in parts:
        h ^= part & 0xFFFFFFFF
        h = (h * 0x01000193) & 0xFFFFFFFF
        h ^= h >> 15
        h = (h * 0x2C1B3C6D) & 0xFFFFFFFF
        h ^= h >> 13
    return h % 2147483647


def images_from_uint8(pixels):
    """uint8 NHWC -> float NCHW in [-1, 1], as the studio scales its batches."""
    return pixels.permute(0, 3, 1, 2).float().div_(127.5).sub_(1.0)

