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
from ganlab.models import has_batch_norm
from ganlab.tooling import checks, distribute
from ganlab.tooling.batches import step_batches


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
        r1_every: compute R1 on every k-th discriminator step only, weighted by k (lazy R1).
        gp_weight: weight of the WGAN gradient penalty (usually 10 with "wasserstein").
        conditions: the attribute names a conditional pair takes, in the order the
            dataset yields their labels; None for an unconditional pair.
        augment: a DiffAugment policy such as "color,translation,cutout"
            (`ganlab.augment`): D sees real and fake images alike through random
            changes, and G's gradient flows back through them. None for none.

    Taught in 04_training.ipynb (first used in 03_dense_generator_and_conv_discriminator.ipynb).
    """

    def __init__(self, generator, discriminator, loss: str = "non_saturating", d_steps: int = 1,
                 ema_decay: float | None = None, r1_weight: float = 0.0, gp_weight: float = 0.0,
                 conditions: tuple[str, ...] | None = None, seed: int = 0, name: str = "gan",
                 augment: str | None = None, r1_every: int = 1):
        super().__init__(name=name)
        self.generator_loss, self.discriminator_loss = losses.loss_pair(loss)
        _check_arguments(d_steps, ema_decay, r1_weight, gp_weight)
        checks.positive_integer(r1_every, "r1_every")
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
        self.r1_every = r1_every
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
        """One step of the algorithm of chapter 04 (Goodfellow et al. 2014, Algorithm 1).

        Generate, judge, update D (d_steps times); then generate again and update G
        against the updated D. `labels` is {} for an unconditional pair.
        """
        real_images, labels = _split(data, self.conditions)
        batch_size = ops.shape(real_images)[0]
        self.reset_metrics()  # report this step's values, not a running mean
        for _ in range(self.d_steps):
            fake_images = self.generate(batch_size, labels)  # outside the tape: D's step leaves G alone
            with tf.GradientTape() as tape:
                real_logits = self.judge(real_images, labels)
                fake_logits = self.judge(fake_images, labels)
                d_loss = self.discriminator_loss(real_logits, fake_logits)
                if self.r1_weight:  # + gamma / 2 * E[||grad D(x)||^2] on real images
                    d_loss += self.every(self.r1_every, lambda: 0.5 * self.r1_weight * self.r1_every
                                         * losses.r1_penalty(self.critic(labels), real_images))
                if self.gp_weight:  # + lambda * E[(||grad D(x^)||_2 - 1)^2] between real and fake
                    d_loss += self.gp_weight * losses.gradient_penalty(self.critic(labels), real_images,
                                                                       fake_images)
            update_weights(self.discriminator, self.discriminator_optimizer, tape, d_loss)
            self.trackers["d_loss"].update_state(d_loss)
            self.trackers["d_real"].update_state(ops.mean(ops.sigmoid(real_logits)))  # mean D(x)
            self.trackers["d_fake"].update_state(ops.mean(ops.sigmoid(fake_logits)))  # mean D(G(z))
        with tf.GradientTape() as tape:
            fake_images = self.generate(batch_size, labels)  # fresh noise
            g_loss = self.generator_loss(self.judge(fake_images, labels))
        update_weights(self.generator, self.generator_optimizer, tape, g_loss)
        self.trackers["g_loss"].update_state(g_loss)
        if self.ema_generator is not None:
            self.update_ema()
        results = {name: tracker.result() for name, tracker in self.trackers.items()}
        if distribute.is_multi_worker(self.distribute_strategy):
            # Keras averages a multi-worker run's logs along axis 0, which a scalar lacks
            results = {name: ops.reshape(value, (1,)) for name, value in results.items()}
        return results

    def generate(self, batch_size, labels):
        """G(z) for z ~ N(0, I) from the GAN's own noise stream (with labels, if conditional).

        On several replicas, each takes its rows of the whole batch's noise (`replica_rows`).
        """
        latent = distribute.replica_rows(lambda shape: keras.random.normal(shape, seed=self.seed_generator),
                                         batch_size, (self.latent_dim,))
        inputs = {"latent": latent, **labels} if self.conditions else latent
        return self.generator(inputs, training=True)

    def judge(self, images, labels):
        """D's logits; with DiffAugment, D sees the images through random changes."""
        if self.augment:  # the same kind of random change for real and fake images
            images = augmentation.diff_augment(images, self.augment, self.augment_seed)
        inputs = {"image": images, **labels} if self.conditions else images
        return self.discriminator(inputs, training=True)

    def critic(self, labels):
        """`judge` as a function of the images alone, for the gradient penalties."""
        return lambda images: self.judge(images, labels)

    def every(self, k, term):
        """`term()` on every k-th discriminator step and 0 on the others ("lazy
        regularisation", Karras et al. 2020: R1 every 16 steps, weighted by 16, costs a
        sixteenth and works as well). With k = 1, simply `term()`."""
        if k == 1:
            return term()
        due = self.discriminator_optimizer.iterations % k == 0
        return ops.cond(due, term, lambda: ops.zeros((), "float32"))

    def update_ema(self):
        """w_ema <- d w_ema + (1 - d) w, with d ramped up early: min(decay, (1 + t) / (10 + t))."""
        step = ops.cast(self.generator_optimizer.iterations, "float32")
        decay = ops.minimum(self.ema_decay, (1.0 + step) / (10.0 + step))
        for average, weight in zip(self.ema_generator.trainable_variables,
                                   self.generator.trainable_variables):
            average.assign(decay * average + (1.0 - decay) * weight)
        for average, weight in zip(self.ema_generator.non_trainable_variables,
                                   self.generator.non_trainable_variables):
            average.assign(weight)  # batch-norm statistics are copied, not averaged


def update_weights(network, optimizer, tape, loss) -> None:
    """One optimizer step of `network`'s trainable weights down the gradient of `loss`.

    The plumbing that chapter 04's hand-written loop leaves out, recorded on `tape`
    (re-entered: a rescaling outside the tape would give no gradients): under a
    tf.distribute strategy each replica's loss is divided by the number of replicas,
    because their gradients are summed; under float16 the loss is scaled up so that
    small gradients do not underflow, and the LossScaleOptimizer scales them back down.
    """
    with tape:
        loss = loss / tf.distribute.get_strategy().num_replicas_in_sync
        if isinstance(optimizer, keras.optimizers.LossScaleOptimizer):
            loss = optimizer.scale_loss(loss)
    variables = network.trainable_variables
    optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))


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
    checks.positive_integer(d_steps, "d_steps")
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


def train(gan, images, labels=None, *, steps: int | None, batch_size: int = 64, run_dir, seed: int = 0,
          checkpoint_every: int = 200, sample_every: int = 200, config: dict | None = None,
          progress: bool = True, max_seconds: float | None = None, strategy=None, callbacks=()):
    """Train `gan` (compiled) for `steps` generator steps, resuming `run_dir` if it has a checkpoint.

    Everything goes into `run_dir` (see `ganlab.tooling.callbacks`): checkpoints, samples/ (PNG
    frames and training.gif), losses.csv and losses.png, tensorboard/. A run stopped at any moment
    continues, when called again with the same arguments, from its last checkpoint:
    the same step count, weights, optimizer state, noise and data position, so at most
    `checkpoint_every` steps are repeated.

    `max_seconds` stops earlier, after that much wall time (a checkpoint is written);
    with `steps=None` the time budget alone decides. Returns the step reached.

    `strategy`: a tf.distribute strategy (`distribute.make_strategy`) whose scope `gan`
    was built and compiled in; None for the one `gan` was built under (usually none).
    `batch_size` is the global batch, split evenly over the replicas; in a multi-worker
    run only the chief writes `run_dir` (see `ganlab.tooling.distribute`). `callbacks`:
    more Keras callbacks, called after ganlab's own.

    Taught in 04_training.ipynb (first used in 03_dense_generator_and_conv_discriminator.ipynb).
    """
    from ganlab.tooling import callbacks as run_callbacks
    from ganlab.tooling import checkpoints

    images = np.asarray(images)
    strategy = _strategy_of(gan, strategy)
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
    monitors = [DivergenceGuard()]
    if distribute.is_chief(strategy):  # the other workers of a multi-worker run write nothing
        monitors += [run_callbacks.LossHistory(run_dir, start_step=start),
                     run_callbacks.SampleGrid(run_dir, fixed, sample_every, fixed_labels),
                     run_callbacks.TensorBoardLog(run_dir, sample_every),
                     run_callbacks.Checkpointer(run_dir, checkpoint_every, config)]
        if progress:
            monitors.append(run_callbacks.ProgressBar(steps, initial=start))
    if max_seconds is not None:
        monitors.append(run_callbacks.TimeBudget(max_seconds, strategy))
    chosen = {n: labels[n] for n in gan.conditions} if labels else None
    last = steps if steps is not None else 2 ** 60
    if strategy.num_replicas_in_sync > 1 or distribute.is_multi_worker(strategy):
        batches = distribute.distributed_batches(strategy, images, chosen, batch_size=batch_size, seed=seed,
                                                 start_step=start, steps=last)
    else:
        batches = step_batches(images, chosen, batch_size=batch_size, seed=seed, start_step=start, steps=last)
    gan.fit(batches, epochs=1, steps_per_epoch=None if steps is None else steps - start, verbose=0,
            callbacks=monitors + list(callbacks))
    return run_callbacks.current_step(gan)


def _strategy_of(gan, strategy):
    """The strategy `gan` was built under, checked against the one asked for."""
    built = gan.distribute_strategy
    if strategy is not None and strategy is not built:
        raise ValueError("build and compile the GAN inside `with strategy.scope():` of the strategy "
                         "given to train(): its weights must be made by that strategy.")
    return built


def _check_run(steps, batch_size, count, checkpoint_every, sample_every) -> None:
    for name, value in (("steps", steps), ("batch_size", batch_size),
                        ("checkpoint_every", checkpoint_every), ("sample_every", sample_every)):
        checks.positive_integer(value, name)
    if batch_size > count:
        raise ValueError(f"batch_size {batch_size} is larger than the dataset ({count} images); "
                         "use a smaller batch or more images.")
