"""Training a GAN with Keras' fit(): the GAN model and its train_step.

    gan = GAN(generator, discriminator, loss="hinge", d_steps=1, ema_decay=0.999)
    gan.compile(generator_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.0, beta_2=0.99),
                discriminator_optimizer=keras.optimizers.Adam(4e-4, beta_1=0.0, beta_2=0.99))
    gan.fit(avatars.tf_dataset(batch_size=64), epochs=10)

Each step returns that step's d_loss, g_loss, d_real (mean D(x)) and d_fake (mean
D(G(z))), where D is the probability sigmoid(logit) ("how real does D find it"); with
several discriminator steps, the D numbers are their mean.

Taught in 04_training.ipynb.
"""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from ganlab import augment as augmentation
from ganlab import losses
from ganlab.data import without_autotuning
from ganlab.precision import PRECISIONS, choose_precision, detect_precision  # noqa: F401 (taught as training.*)
from ganlab.models import has_batch_norm


class GAN(keras.Model):
    """A generator and a discriminator trained against each other by `fit()`.

    Args:
        generator: maps latent vectors [b, latent_dim] (or a dict with "latent" and
            attribute labels, for a conditional generator) to images in [-1, 1].
        discriminator: maps images (or a dict with "image" and the same labels) to logits.
        loss: a name of `ganlab.losses.LOSSES` ("non_saturating", "hinge", ...).
        d_steps: discriminator updates per generator update.
        ema_decay: keep an exponential moving average of the generator's weights
            (`ema_generator`), which usually gives smoother samples; None for none.
        r1_weight: gamma of the R1 penalty on real images (adds gamma / 2 * R1 to d_loss).
        gp_weight: weight of the WGAN gradient penalty (usually 10 with "wasserstein").
        conditions: the attribute names a conditional pair takes, in the order the
            dataset yields their labels; None for an unconditional pair.
        update: "alternating" (the algorithm of Goodfellow et al. 2014: D is updated,
            then G is trained against the updated D on fresh noise) or "simultaneous"
            (the TensorFlow DCGAN tutorial's step: one batch of fakes, both gradients
            taken at the same point, both networks updated together; cheaper, since G
            and D run forward once, and needs d_steps=1).
        augment: a DiffAugment policy such as "color,translation,cutout"
            (`ganlab.augment`): D sees real and fake images alike through random
            changes, and G's gradient flows back through them. None for none.
    """

    def __init__(self, generator, discriminator, loss: str = "non_saturating", d_steps: int = 1,
                 ema_decay: float | None = None, r1_weight: float = 0.0, gp_weight: float = 0.0,
                 conditions: tuple[str, ...] | None = None, seed: int = 0, name: str = "gan",
                 update: str = "alternating", augment: str | None = None):
        super().__init__(name=name)
        self.generator_loss, self.discriminator_loss = losses.loss_pair(loss)
        _check_arguments(d_steps, ema_decay, r1_weight, gp_weight)
        if update not in ("alternating", "simultaneous"):
            raise ValueError(f"update must be 'alternating' or 'simultaneous'; got {update!r}.")
        if update == "simultaneous" and d_steps != 1:
            raise ValueError(f"a simultaneous update trains D and G once each per step: use d_steps=1 "
                             f"(got {d_steps}), or update='alternating'.")
        self.update = update
        self.augment = ",".join(augmentation.parse_policy(augment)) or None
        if self.augment:  # its own random stream, so that noise draws stay as without augmentation
            self.augment_seed = keras.random.SeedGenerator(seed + 1, name="augment_seed")
        if (r1_weight or gp_weight) and has_batch_norm(discriminator):
            raise ValueError("a gradient penalty or R1 is computed per image, and batch norm in the "
                             "discriminator mixes the images of a batch: build the discriminator "
                             "with normalization=None or 'layer'.")
        self.generator, self.discriminator = generator, discriminator
        self.loss_name, self.d_steps = loss, d_steps
        self.ema_decay, self.r1_weight, self.gp_weight = ema_decay, r1_weight, gp_weight
        self.conditions = tuple(conditions or ())
        self.latent_dim = _latent_dim(generator)
        self.seed_generator = keras.random.SeedGenerator(seed, name="noise_seed")
        self.ema_generator = _copy(generator) if ema_decay else None
        self.trackers = {name: keras.metrics.Mean(name=name) for name in
                         ("d_loss", "g_loss", "d_real", "d_fake")}
        # Both networks exist already. Without this, fit() under a distribution strategy
        # "builds" the GAN by calling it on a batch of images, not latent vectors.
        self.built = True

    def compile(self, generator_optimizer=None, discriminator_optimizer=None, **kwargs):
        """Adam(2e-4, beta_1=0.5) for both by default, as in the DCGAN paper.

        Under mixed_float16 both are wrapped in a LossScaleOptimizer (float16 gradients
        underflow without loss scaling; bfloat16 has float32's range and needs none).
        """
        super().compile(**kwargs)
        self.generator_optimizer = _scaled(generator_optimizer or keras.optimizers.Adam(2e-4, beta_1=0.5))
        self.discriminator_optimizer = _scaled(discriminator_optimizer
                                               or keras.optimizers.Adam(2e-4, beta_1=0.5))
        # Create the optimizers' slots now (inside a strategy's scope, if any); created
        # lazily inside the distributed training function they fail.
        self.generator_optimizer.build(self.generator.trainable_variables)
        self.discriminator_optimizer.build(self.discriminator.trainable_variables)

    def fit(self, *args, shuffle=False, **kwargs):
        """Keras' fit(); `shuffle` defaults to False because the tf.data pipeline shuffles
        (Keras warns when it is told to shuffle a dataset it cannot shuffle)."""
        return super().fit(*args, shuffle=shuffle, **kwargs)

    @property
    def metrics(self):
        return list(self.trackers.values())

    def call(self, inputs, training=False):
        """Images from latent vectors (or a dict with labels), by the EMA generator if any."""
        generator = self.ema_generator or self.generator
        return generator(inputs, training=training)

    def train_step(self, data):
        real_images, labels = _split(data, self.conditions)
        batch = ops.shape(real_images)[0]
        for tracker in self.trackers.values():
            tracker.reset_state()  # report this step's values, not a running mean
        if self.update == "simultaneous":
            g_loss = self._simultaneous_step(real_images, labels, batch)
        else:
            for _ in range(self.d_steps):
                self._discriminator_step(real_images, labels, batch)
            g_loss = self._generator_step(labels, batch)
        if self.ema_generator is not None:
            self._update_ema()
        self.trackers["g_loss"].update_state(g_loss)
        return {name: tracker.result() for name, tracker in self.trackers.items()}

    def _discriminator_step(self, real_images, labels, batch):
        fake_images = self._generate(labels, batch, training=True)
        with tf.GradientTape() as tape:
            real_logits, fake_logits, d_loss = self._discriminator_loss(real_images, fake_images, labels)
            scaled = _for_gradients(self.discriminator_optimizer, d_loss)
        _apply(self.discriminator_optimizer, tape, scaled, self.discriminator.trainable_variables)
        self._track(d_loss, real_logits, fake_logits)

    def _simultaneous_step(self, real_images, labels, batch):
        with tf.GradientTape() as generator_tape, tf.GradientTape() as discriminator_tape:
            fake_images = self._generate(labels, batch, training=True)
            real_logits, fake_logits, d_loss = self._discriminator_loss(real_images, fake_images, labels)
            g_loss = self.generator_loss(fake_logits)
            d_scaled = _for_gradients(self.discriminator_optimizer, d_loss)
            g_scaled = _for_gradients(self.generator_optimizer, g_loss)
        # both gradients first, then both updates: G's gradient is taken against D before its update
        d_variables, g_variables = self.discriminator.trainable_variables, self.generator.trainable_variables
        d_gradients = discriminator_tape.gradient(d_scaled, d_variables)
        g_gradients = generator_tape.gradient(g_scaled, g_variables)
        self.discriminator_optimizer.apply_gradients(zip(d_gradients, d_variables))
        self.generator_optimizer.apply_gradients(zip(g_gradients, g_variables))
        self._track(d_loss, real_logits, fake_logits)
        return g_loss

    def _discriminator_loss(self, real_images, fake_images, labels):
        real_logits = self._judge(real_images, labels)
        fake_logits = self._judge(fake_images, labels)
        d_loss = self.discriminator_loss(real_logits, fake_logits)
        if self.r1_weight:  # gamma / 2 * E[||grad D(x)||^2]
            d_loss += 0.5 * self.r1_weight * losses.r1_penalty(self._critic(labels), real_images)
        if self.gp_weight:  # lambda * E[(||grad D(x^)||_2 - 1)^2]
            d_loss += self.gp_weight * losses.gradient_penalty(self._critic(labels), real_images, fake_images)
        return real_logits, fake_logits, d_loss

    def _track(self, d_loss, real_logits, fake_logits):
        self.trackers["d_loss"].update_state(d_loss)
        self.trackers["d_real"].update_state(ops.mean(ops.sigmoid(real_logits)))
        self.trackers["d_fake"].update_state(ops.mean(ops.sigmoid(fake_logits)))

    def _generator_step(self, labels, batch):
        with tf.GradientTape() as tape:
            fake_images = self._generate(labels, batch, training=True)
            g_loss = self.generator_loss(self._judge(fake_images, labels))
            scaled = _for_gradients(self.generator_optimizer, g_loss)
        _apply(self.generator_optimizer, tape, scaled, self.generator.trainable_variables)
        return g_loss

    def _generate(self, labels, batch, training):
        latent = keras.random.normal((batch, self.latent_dim), seed=self.seed_generator)
        inputs = {"latent": latent, **labels} if self.conditions else latent
        return self.generator(inputs, training=training)

    def _judge(self, images, labels):
        if self.augment:  # the same kind of random change for real and fake images
            images = augmentation.diff_augment(images, self.augment, self.augment_seed)
        inputs = {"image": images, **labels} if self.conditions else images
        return self.discriminator(inputs, training=True)

    def _critic(self, labels):
        return lambda images: self._judge(images, labels)

    def _update_ema(self):
        """w_ema <- d w_ema + (1 - d) w, with d ramped up early: min(decay, (1 + t) / (10 + t))."""
        step = ops.cast(self.generator_optimizer.iterations, "float32")
        decay = ops.minimum(self.ema_decay, (1.0 + step) / (10.0 + step))
        for average, weight in zip(self.ema_generator.trainable_variables,
                                   self.generator.trainable_variables):
            average.assign(decay * average + (1.0 - decay) * weight)
        for average, weight in zip(self.ema_generator.non_trainable_variables,
                                   self.generator.non_trainable_variables):
            average.assign(weight)  # batch-norm statistics are copied, not averaged


def _for_gradients(optimizer, loss):
    """The loss to differentiate; call it inside the tape, or the ops are not recorded.

    Under a tf.distribute strategy each replica's loss is divided by the number of
    replicas, because the replicas' gradients are summed. Under float16 the loss is
    scaled up, and the LossScaleOptimizer scales the gradients back down.
    """
    loss = loss / tf.distribute.get_strategy().num_replicas_in_sync
    if isinstance(optimizer, keras.optimizers.LossScaleOptimizer):
        loss = optimizer.scale_loss(loss)
    return loss


def _apply(optimizer, tape, loss_for_gradients, variables):
    optimizer.apply_gradients(zip(tape.gradient(loss_for_gradients, variables), variables))


def _scaled(optimizer):
    if (keras.mixed_precision.global_policy().name == "mixed_float16"
            and not isinstance(optimizer, keras.optimizers.LossScaleOptimizer)):
        return keras.optimizers.LossScaleOptimizer(optimizer)
    return optimizer


def _split(data, conditions):
    """(images, {attribute: labels}) from what the dataset yields."""
    if not conditions:
        return (data[0] if isinstance(data, tuple) else data), {}
    images, labels = data
    return images, {name: labels[name] for name in conditions}


def _latent_dim(generator) -> int:
    latent = generator.input["latent"] if isinstance(generator.input, dict) else generator.input
    return int(latent.shape[-1])


def _copy(model):
    twin = keras.models.clone_model(model)
    twin.set_weights(model.get_weights())
    return twin


def _check_arguments(d_steps, ema_decay, r1_weight, gp_weight) -> None:
    if isinstance(d_steps, bool) or not isinstance(d_steps, int) or d_steps < 1:
        raise ValueError(f"d_steps must be a positive integer; got {d_steps!r}.")
    if ema_decay is not None and not 0.0 < ema_decay < 1.0:
        raise ValueError(f"ema_decay must be between 0 and 1 (e.g. 0.999), or None; got {ema_decay!r}.")
    for name, value in (("r1_weight", r1_weight), ("gp_weight", gp_weight)):
        if value < 0:
            raise ValueError(f"{name} must be zero or more; got {value!r}.")


class TrainingDiverged(RuntimeError):
    """A loss became NaN or infinite: training stopped."""


class DivergenceGuard(keras.callbacks.Callback):
    """Stop at the first step whose d_loss or g_loss is NaN or infinite, and say which step.

    Raising (rather than quietly setting stop_training) makes sure no later callback
    saves the broken weights over the last good checkpoint.
    """

    def on_train_batch_end(self, batch, logs=None):
        logs = logs or {}
        bad = {name: float(logs[name]) for name in ("d_loss", "g_loss")
               if name in logs and not _finite(logs[name])}
        if bad:
            step = int(self.model.generator_optimizer.iterations.numpy())
            values = ", ".join(f"{name} = {value}" for name, value in bad.items())
            raise TrainingDiverged(f"training diverged at step {step}: {values}. The weights are no "
                                   "longer usable; resume from the last checkpoint, perhaps with a "
                                   "lower learning rate.")


def _finite(value) -> bool:
    import math

    return math.isfinite(float(value))


def step_batches(images, labels=None, *, batch_size: int, seed: int, start_step: int, steps: int):
    """The batches of steps start_step ... steps - 1, each made from its step number alone.

    Step s belongs to epoch e = s // (n // batch_size); each epoch is its own random
    permutation of the images (a stateless shuffle keyed by (seed, e)), cut into
    batches. So a resumed run continues with exactly the batches it would have seen,
    and nothing about the data needs saving in a checkpoint. The last n % batch_size
    images of each epoch's permutation are skipped.

    Yields float32 images in [-1, 1] (and {attribute: labels} if `labels` is given).
    """
    images = np.asarray(images)
    count = len(images)
    per_epoch = count // batch_size
    pixels = tf.constant(images)
    label_tensors = {name: tf.constant(np.asarray(value)) for name, value in (labels or {}).items()}

    def batch_of(step):
        epoch, position = step // per_epoch, step % per_epoch
        slots = position * batch_size + tf.range(batch_size, dtype=tf.int64)
        order = tf.random.experimental.index_shuffle(slots, seed=tf.stack([tf.constant(seed, tf.int64), epoch]),
                                                     max_index=count - 1)
        batch = tf.cast(tf.gather(pixels, order), tf.float32) / 127.5 - 1.0  # [0, 255] -> [-1, 1]
        if not label_tensors:
            return batch
        return batch, {name: tf.gather(value, order) for name, value in label_tensors.items()}

    steps_left = tf.data.Dataset.range(start_step, steps)
    return without_autotuning(steps_left.map(batch_of, num_parallel_calls=2).prefetch(2))


def train(gan, images, labels=None, *, steps: int | None, batch_size: int = 64, run_dir, seed: int = 0,
          checkpoint_every: int = 200, sample_every: int = 200, config: dict | None = None,
          progress: bool = True, max_seconds: float | None = None):
    """Train `gan` (compiled) for `steps` generator steps, resuming `run_dir` if it has a checkpoint.

    Everything goes into `run_dir` (see `ganlab.callbacks`): checkpoints, samples/ (PNG
    frames and training.gif), losses.csv and losses.png, tensorboard/. A run stopped at any moment
    continues, when called again with the same arguments, from its last checkpoint:
    the same step count, weights, optimizer state, noise and data position, so at most
    `checkpoint_every` steps are repeated.

    `max_seconds` stops earlier, after that much wall time (a checkpoint is written);
    with `steps=None` the time budget alone decides. Returns the step reached.
    """
    from ganlab import callbacks, checkpoints

    images = np.asarray(images)
    if steps is None and max_seconds is None:
        raise ValueError("give steps, max_seconds, or both: otherwise training never ends.")
    _check_run(steps or 1, batch_size, len(images), checkpoint_every, sample_every)
    start = 0
    latest = checkpoints.latest_checkpoint(run_dir)
    if latest is not None:
        start = checkpoints.restore_checkpoint(gan, latest)
    if steps is not None and start >= steps:
        return start
    fixed = np.random.default_rng(seed).normal(size=(32, gan.latent_dim)).astype("float32")
    fixed_labels = {name: np.asarray(labels[name])[:32] for name in gan.conditions} if labels else None
    # Order matters: a step's numbers are logged before its checkpoint is written, so a
    # kill between the two never loses a row of the history.
    monitors = [DivergenceGuard(), callbacks.LossHistory(run_dir, start_step=start),
                callbacks.SampleGrid(run_dir, fixed, sample_every, fixed_labels),
                callbacks.TensorBoardLog(run_dir, sample_every),
                callbacks.Checkpointer(run_dir, checkpoint_every, config)]
    if progress:
        monitors.append(callbacks.ProgressBar(steps, initial=start))
    if max_seconds is not None:
        monitors.append(callbacks.TimeBudget(max_seconds))
    batches = step_batches(images, {n: labels[n] for n in gan.conditions} if labels else None,
                           batch_size=batch_size, seed=seed, start_step=start,
                           steps=steps if steps is not None else 2 ** 62)
    gan.fit(batches, epochs=1, steps_per_epoch=None if steps is None else steps - start, verbose=0,
            callbacks=monitors)
    return callbacks.current_step(gan)


def _check_run(steps, batch_size, count, checkpoint_every, sample_every) -> None:
    for name, value in (("steps", steps), ("batch_size", batch_size),
                        ("checkpoint_every", checkpoint_every), ("sample_every", sample_every)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"{name} must be a positive integer; got {value!r}.")
    if batch_size > count:
        raise ValueError(f"batch_size {batch_size} is larger than the dataset ({count} images); "
                         "use a smaller batch or more images.")
