"""The studio's losses and D's gradient penalties (main/engine/training/losses.ts, penalties.ts).

Each loss takes D's raw outputs (logits, or a critic's scores under WGAN-GP). The penalties take
D as a function of images (its class input bound) and differentiate its summed output with
respect to those images, keeping the graph so D's update descends the penalty too.
"""
import torch
from torch.nn import functional as F


def _bce(logits, target):
    return F.binary_cross_entropy_with_logits(logits, torch.full_like(logits, target))


def _d_bce(real, fake, target):
    """Goodfellow et al. 2014; `target` is 1 minus one-sided label smoothing."""
    return _bce(real, target) + _bce(fake, 0.0)


def _d_hinge(real, fake, _target):
    """Lim & Ye 2017: reals above +1, fakes below -1 (no target: smoothing does not apply)."""
    return F.relu(1.0 - real).mean() + F.relu(1.0 + fake).mean()


def _d_lsgan(real, fake, target):
    """Mao et al. 2017, the 0-1 coding."""
    return 0.5 * ((real - target).square().mean() + fake.square().mean())


def _d_wasserstein(real, fake, _target):
    """Arjovsky et al. 2017: the critic's score gap; the gradient penalty is added beside it."""
    return fake.mean() - real.mean()


def _g_score(fake):
    return -fake.mean()


# loss name -> (D's loss(real, fake, real target), G's loss(fake))
LOSSES = {
    'bce': (_d_bce, lambda fake: _bce(fake, 1.0)),
    'hinge': (_d_hinge, _g_score),
    'lsgan': (_d_lsgan, lambda fake: 0.5 * (fake - 1.0).square().mean()),
    'wgan-gp': (_d_wasserstein, _g_score),
}


def losses_of(name):
    if name not in LOSSES:
        raise ValueError(f'This job does not know the loss {name!r}; it trains {", ".join(LOSSES)}')
    return LOSSES[name]


def _squared_gradient_norms(critic, images):
    """Per-image |d(sum of D's outputs)/d(images)|^2, differentiable with respect to D's weights."""
    images = images.detach().requires_grad_(True)
    gradient, = torch.autograd.grad(critic(images).sum(), images, create_graph=True)
    return gradient.square().flatten(1).sum(1)


def gradient_penalty(critic, real, fake, weight):
    """WGAN-GP (Gulrajani et al. 2017): weight * E[(|grad D(x^)| - 1)^2] at x^ = e*x + (1 - e)*G(z),
    e ~ U[0, 1] per image. The tiny floor keeps the square root's gradient finite where D is flat."""
    eps = torch.rand(real.shape[0], 1, 1, 1, dtype=real.dtype, device=real.device)
    between = eps * real.detach() + (1.0 - eps) * fake.detach()
    norms = (_squared_gradient_norms(critic, between) + 1e-12).sqrt()
    return weight * (norms - 1.0).square().mean()


def r1_penalty(critic, real, gamma):
    """R1 (Mescheder et al. 2018): gamma/2 * E[|grad D(x)|^2] on real images."""
    return gamma / 2 * _squared_gradient_norms(critic, real).mean()
