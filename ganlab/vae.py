"""A variational autoencoder (Kingma and Welling 2014) whose decoder is the GAN's generator.

    vae = VAE(vae_encoder(size=64), models.dcgan_generator(size=64), sigma=0.2)
    vae.compile(keras.optimizers.Adam(5e-4))
    vae.fit(batches.step_batches(images, batch_size=64, seed=0, start_step=0, steps=2000))

The encoder maps an image x to a Gaussian q(z | x) = N(mean, exp(log_variance)); the
decoder maps z back to an image. Training minimises, per image, the negative ELBO

    ||x - decoder(z)||^2 / (2 sigma^2)  +  KL(q(z | x) || N(0, I)),   z ~ q(z | x),

the first term being -log p(x | z) for pixels with Gaussian noise of scale sigma (up
to a constant), the second pulling every q(z | x) towards the prior that samples are
later drawn from. Sampling is decoder(z) with z ~ N(0, I), as for the GAN.

Taught in 08_faq.ipynb.
"""

from __future__ import annotations

import keras
from keras import layers, ops

from ganlab import models
from ganlab.tooling import checks, shipped


def vae_encoder(latent_dim: int = 128, size: int = 64, width: int = 32) -> keras.Model:
    """Image [b, size, size, 3] in [-1, 1] -> (mean, log_variance), each [b, latent_dim].

    The DCGAN discriminator's body (4x4 stride-2 convolutions, channels doubling from
    `width`, leaky ReLU 0.2) with two dense heads instead of one logit.
    """
    checks.image_size(size)
    checks.positive_integer(width, "width")
    checks.positive_integer(latent_dim, "latent_dim")
    image = keras.Input((size, size, 3), name="image")
    hidden = image
    for index in range(models.halvings(size)):
        hidden = layers.Conv2D(width * 2 ** index, 4, strides=2, padding="same", name=f"down_{index}")(hidden)
        hidden = layers.LeakyReLU(0.2, name=f"down_{index}_lrelu")(hidden)
    hidden = layers.Flatten(name="flatten")(hidden)
    mean = layers.Dense(latent_dim, name="mean", dtype="float32")(hidden)
    log_variance = layers.Dense(latent_dim, name="log_variance", dtype="float32")(hidden)
    return keras.Model(image, [mean, log_variance], name="vae_encoder")


def kl_to_prior(mean, log_variance):
    """KL(N(mean, exp(log_variance)) || N(0, I)) per row: -1/2 sum(1 + log var - mean^2 - var), [b]."""
    return -0.5 * ops.sum(1.0 + log_variance - ops.square(mean) - ops.exp(log_variance), axis=-1)


class VAE(keras.Model):
    """An encoder and a decoder trained together by `fit()` on the negative ELBO.

    Args:
        encoder: `vae_encoder(...)`: images -> (mean, log_variance).
        decoder: latent vectors [b, latent_dim] -> images in [-1, 1] (e.g. the GAN's
            `models.dcgan_generator`).
        sigma: the assumed pixel noise (images in [-1, 1]). Smaller weighs
            reconstruction more against the KL term: sharper reconstructions, samples
            from the prior less like the data.
    """

    def __init__(self, encoder, decoder, sigma: float = 0.2, seed: int = 0, name: str = "vae"):
        super().__init__(name=name)
        if not sigma > 0:
            raise ValueError(f"sigma must be more than 0 (e.g. 0.2); got {sigma!r}.")
        self.encoder, self.decoder, self.sigma = encoder, decoder, float(sigma)
        self.seed_generator = keras.random.SeedGenerator(seed, name="noise_seed")
        self.trackers = {name: keras.metrics.Mean(name=name) for name in ("loss", "reconstruction", "kl")}
        self.built = True

    @property
    def metrics(self):
        return list(self.trackers.values())

    def call(self, latent, training=False):
        """Images from latent vectors: the decoder."""
        return self.decoder(latent, training=training)

    def encode(self, images, training=False):
        """(mean, log_variance) of q(z | x) for images in [-1, 1]."""
        return self.encoder(images, training=training)

    def reconstruct(self, images):
        """decoder(mean of q(z | x)): the VAE's reconstruction of each image, in [-1, 1]."""
        mean, _ = self.encode(images)
        return self.decoder(mean, training=False)

    def losses_of(self, images, training=False):
        """Per-image (reconstruction, kl) terms of the negative ELBO, each [b]."""
        mean, log_variance = self.encode(images, training=training)
        noise = keras.random.normal(ops.shape(mean), seed=self.seed_generator)
        latent = mean + ops.exp(0.5 * log_variance) * noise  # reparameterisation: z = mean + std * eps
        rebuilt = ops.cast(self.decoder(latent, training=training), "float32")
        squared = ops.sum(ops.square(ops.cast(images, "float32") - rebuilt), axis=(1, 2, 3))
        reconstruction = squared / (2.0 * self.sigma ** 2)  # -log p(x | z) + const
        return reconstruction, kl_to_prior(mean, log_variance)

    def train_step(self, images):
        import tensorflow as tf

        with tf.GradientTape() as tape:
            reconstruction, kl = self.losses_of(images, training=True)
            loss = ops.mean(reconstruction + kl)
        variables = self.encoder.trainable_variables + self.decoder.trainable_variables
        self.optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))
        for name, value in (("loss", loss), ("reconstruction", ops.mean(reconstruction)), ("kl", ops.mean(kl))):
            self.trackers[name].reset_state()  # this step's values, not a running mean
            self.trackers[name].update_state(value)
        return {name: tracker.result() for name, tracker in self.trackers.items()}


def ship_vae(model: VAE, folder, card: dict) -> dict:
    """Write `model`'s encoder and decoder weights into `folder` with card.json (`card` plus checksums)."""
    return shipped.save(folder, {"encoder": model.encoder, "decoder": model.decoder}, card)


def load_shipped_vae(folder) -> tuple[VAE, dict]:
    """The VAE shipped in `folder` (data/vae/) and its card; checksums are checked, nothing is downloaded.

    Taught in 08_faq.ipynb.
    """
    remedy = "restore it with git, or make it with `python benchmarks/experiments.py vae`"
    settings = shipped.read_card(folder, "the shipped VAE", remedy)["settings"]
    model = VAE(vae_encoder(settings["latent_dim"], settings["size"], settings["width"]),
                models.dcgan_generator(settings["latent_dim"], settings["size"], settings["width"]),
                sigma=settings["sigma"])
    card = shipped.load(folder, {"encoder": model.encoder, "decoder": model.decoder}, "the shipped VAE", remedy)
    return model, card
