"""GAN losses, in generator/discriminator pairs, computed from logits.

Every discriminator here outputs a logit l (any real number); D(x) = sigmoid(l) is the
probability "real". Writing the losses with softplus(t) = log(1 + e^t) keeps them
finite at any logit, because log(sigmoid(l)) = -softplus(-l) and
log(1 - sigmoid(l)) = -softplus(l). Losses are averaged over the batch and computed
in float32 whatever the model's precision.

    generator_loss, discriminator_loss = loss_pair("non_saturating")

Taught in 02_loss_math.ipynb. The other pairs are used by name, `GAN(loss="hinge")`, in the
recipes that chapter 06 compares.
"""

from __future__ import annotations

import tensorflow as tf
from keras import ops


def _f32(logits):
    return ops.cast(logits, "float32")


def value_function(real_logits, fake_logits):
    """V(D, G) = E_x[log D(x)] + E_z[log(1 - D(G(z)))]  (Goodfellow et al. 2014, eq. 1).

    The article prints this one expression as both L_G and L_D. It is neither: it is
    the value of the game, which D maximises and G minimises.

    Taught in 02_loss_math.ipynb.
    """
    return -ops.mean(ops.softplus(-_f32(real_logits))) - ops.mean(ops.softplus(_f32(fake_logits)))


def cross_entropy_discriminator_loss(real_logits, fake_logits):
    """L_D = -E_x[log D(x)] - E_z[log(1 - D(G(z)))] = -V(D, G)  (Goodfellow et al. 2014).

    Binary cross-entropy with labels 1 for real and 0 for generated images; 2 log 2
    when D answers 0.5 everywhere.

    Taught in 02_loss_math.ipynb.
    """
    return ops.mean(ops.softplus(-_f32(real_logits))) + ops.mean(ops.softplus(_f32(fake_logits)))


def minimax_generator_loss(fake_logits):
    """L_G = E_z[log(1 - D(G(z)))]: the generator's side of the original minimax game.

    Saturates: early in training D(G(z)) is near 0, where this curve is flat, so the
    generator gets almost no gradient (Goodfellow et al. 2014, section 3).

    Used through `GAN(loss="minimax")` and the toy of chapter 01 (`loss_pair`).
    """
    return -ops.mean(ops.softplus(_f32(fake_logits)))


def non_saturating_generator_loss(fake_logits):
    """L_G = -E_z[log D(G(z))]: same fixed point, strong gradients when D(G(z)) is near 0.

    The "-log D trick" of Goodfellow et al. 2014, section 3.

    Taught in 04_training.ipynb (the hand-written loop; its formula: chapter 02).
    """
    return ops.mean(ops.softplus(-_f32(fake_logits)))


# Both variants train D with the same cross-entropy; the names keep the pairs regular.
minimax_discriminator_loss = cross_entropy_discriminator_loss
non_saturating_discriminator_loss = cross_entropy_discriminator_loss


def wasserstein_discriminator_loss(real_logits, fake_logits):
    """L_D = E_z[D(G(z))] - E_x[D(x)]: the critic estimates the Wasserstein-1 distance.

    Arjovsky et al. 2017. Only meaningful for a 1-Lipschitz critic: add
    `gradient_penalty` (Gulrajani et al. 2017) weighted by about 10.

    Used through `GAN(loss="wasserstein")`; chapter 06 compares the recipes that use it.
    """
    return ops.mean(_f32(fake_logits)) - ops.mean(_f32(real_logits))


def wasserstein_generator_loss(fake_logits):
    """L_G = -E_z[D(G(z))]  (Arjovsky et al. 2017).

    Used through `GAN(loss="wasserstein")`; chapter 06 compares the recipes that use it.
    """
    return -ops.mean(_f32(fake_logits))


def hinge_discriminator_loss(real_logits, fake_logits):
    """L_D = E_x[max(0, 1 - D(x))] + E_z[max(0, 1 + D(G(z)))]  (Lim & Ye 2017; Miyato et al. 2018).

    Used through `GAN(loss="hinge")`; chapter 06 compares the recipes that use it.
    """
    return ops.mean(ops.relu(1.0 - _f32(real_logits))) + ops.mean(ops.relu(1.0 + _f32(fake_logits)))


def hinge_generator_loss(fake_logits):
    """L_G = -E_z[D(G(z))], the same as Wasserstein's  (Lim & Ye 2017).

    Used through `GAN(loss="hinge")`; chapter 06 compares the recipes that use it.
    """
    return -ops.mean(_f32(fake_logits))


def least_squares_discriminator_loss(real_logits, fake_logits):
    """L_D = 1/2 E_x[(D(x) - 1)^2] + 1/2 E_z[D(G(z))^2]  (Mao et al. 2017, LSGAN, a=0 b=1).

    Used through `GAN(loss="least_squares")`; chapter 06 compares the recipes that use it.
    """
    real, fake = _f32(real_logits), _f32(fake_logits)
    return 0.5 * ops.mean(ops.square(real - 1.0)) + 0.5 * ops.mean(ops.square(fake))


def least_squares_generator_loss(fake_logits):
    """L_G = 1/2 E_z[(D(G(z)) - 1)^2]  (Mao et al. 2017, c=1).

    Used through `GAN(loss="least_squares")`; chapter 06 compares the recipes that use it.
    """
    return 0.5 * ops.mean(ops.square(_f32(fake_logits) - 1.0))


LOSSES = {
    "minimax": (minimax_generator_loss, minimax_discriminator_loss),
    "non_saturating": (non_saturating_generator_loss, non_saturating_discriminator_loss),
    "wasserstein": (wasserstein_generator_loss, wasserstein_discriminator_loss),
    "hinge": (hinge_generator_loss, hinge_discriminator_loss),
    "least_squares": (least_squares_generator_loss, least_squares_discriminator_loss),
}


def loss_pair(name: str):
    """(generator_loss, discriminator_loss) for a variant name; ValueError lists the names.

    Used by `training.GAN` and `toy.ToyGAN`, which take a loss by name.
    """
    if name not in LOSSES:
        raise ValueError(f"unknown loss {name!r}; known losses: {', '.join(LOSSES)}.")
    return LOSSES[name]


def gradient_penalty(critic, real_images, fake_images, seed=None):
    """GP = E_x^[(||grad D(x^)||_2 - 1)^2], x^ = e x + (1 - e) G(z), e ~ U(0, 1) per image.

    Gulrajani et al. 2017 ("Improved training of Wasserstein GANs"); weight it by ~10.
    `critic` is any function from a batch of images to logits (wrap a model as
    `lambda x: model(x, training=True)` if it has dropout; a conditional one as
    `lambda x: model({"image": x, **labels})`); `seed` makes e reproducible. The
    gradients are per image: do not use a critic with batch normalization.

    Used through `GAN(gp_weight=...)`; chapter 06 compares the recipes that use it.
    """
    real_images = tf.cast(real_images, "float32")
    fake_images = tf.cast(fake_images, "float32")
    shape = [tf.shape(real_images)[0]] + [1] * (len(real_images.shape) - 1)
    mix = (tf.random.stateless_uniform(shape, seed=seed) if seed is not None
           else tf.random.uniform(shape))
    between = mix * real_images + (1.0 - mix) * fake_images
    norms = _gradient_norms(critic, between)
    return tf.reduce_mean(tf.square(norms - 1.0))  # (||grad D(x^)||_2 - 1)^2


def r1_penalty(discriminator, real_images):
    """R1 = E_x[||grad D(x)||_2^2] on real images (Mescheder et al. 2018); weight it by gamma / 2.

    Used through `GAN(r1_weight=...)`; chapter 06 compares the recipes that use it.
    """
    norms = _gradient_norms(discriminator, tf.cast(real_images, "float32"))
    return tf.reduce_mean(tf.square(norms))


def _gradient_norms(critic, images):
    """||d critic(x) / dx||_2 for each image of the batch.

    Summing the logits is safe per image (image i only affects logit i, unless the
    critic mixes the batch, as batch norm does). The sum must be taken inside the tape:
    an op outside it is not recorded, and the gradient then comes back None.
    """
    with tf.GradientTape() as tape:
        tape.watch(images)
        total = tf.reduce_sum(tf.cast(critic(images), "float32"))
    gradients = tape.gradient(total, images)
    if gradients is None:
        raise RuntimeError("the gradient of the discriminator's output with respect to its input "
                           "is missing: does the model use its input?")
    axes = list(range(1, len(images.shape)))
    return tf.sqrt(tf.reduce_sum(tf.square(gradients), axis=axes) + 1e-12)
