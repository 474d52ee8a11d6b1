"""A GAN in two dimensions, small enough to watch while it trains (after GAN Lab, Kahng et al. 2019).

Real data: a ring of 8 Gaussians or a 5x5 grid of them. G maps noise z ~ U[-1, 1]^2 to
a point; D maps a point to a logit l, D(x) = sigmoid(l). `ToyGAN` trains them in
alternating steps and exposes samples, D's decision surface and G's warped noise grid;
`ganlab.plots.draw_toy_views` draws them, `ganlab.widgets` makes them live.

    gan = ToyGAN(dataset="ring", loss="non_saturating", seed=0).step(500)

Taught in 01_background_and_concepts.ipynb.
"""

from __future__ import annotations

from dataclasses import dataclass

import keras
import numpy as np
import tensorflow as tf
from keras import layers

from ganlab import losses

DATASETS = ("ring", "grid")
MODE_STD = {"ring": 0.1, "grid": 0.05}  # standard deviation of each Gaussian
EXTENT = 3.0  # the views show the square [-EXTENT, EXTENT]^2
GRADIENT_PENALTY_WEIGHT = 10.0  # "wasserstein" is trained as WGAN-GP: an unconstrained critic diverges
VIEW_POINTS = 512  # real and generated points drawn in the views


def mode_centres(dataset: str) -> np.ndarray:
    """Centres of the Gaussians: "ring" has 8 on a circle of radius 2, "grid" 5x5 spaced 1 in [-2, 2]^2.

    Returns float32 [modes, 2]. Taught in 01_background_and_concepts.ipynb.
    """
    _check_dataset(dataset)
    if dataset == "ring":
        angles = 2 * np.pi * np.arange(8) / 8
        return (2.0 * np.stack([np.cos(angles), np.sin(angles)], axis=1)).astype(np.float32)
    ticks = np.linspace(-2.0, 2.0, 5)
    return np.array([(x, y) for y in ticks for x in ticks], dtype=np.float32)


def sample_real(dataset: str, n: int, seed: int = 0) -> np.ndarray:
    """n points of the mixture: x = c + std * e, c a centre picked uniformly, e ~ N(0, I).

    Same seed, same points. Returns float32 [n, 2]. Taught in 01_background_and_concepts.ipynb.
    """
    centres = mode_centres(dataset)
    generator = np.random.default_rng(seed)
    picks = generator.integers(len(centres), size=n)
    return (centres[picks] + MODE_STD[dataset] * generator.standard_normal((n, 2))).astype(np.float32)


def nearest_mode_distance(points, dataset: str) -> np.ndarray:
    """Distance of each point [n, 2] to the nearest centre: [n]. Real points average std * sqrt(pi / 2).

    Taught in 01_background_and_concepts.ipynb."""
    return _distances_to_centres(points, dataset).min(axis=1)


def modes_covered(points, dataset: str, within: float = 3.0) -> int:
    """How many centres have a point within `within` standard deviations (a collapsed G covers few).

    Taught in 01_background_and_concepts.ipynb."""
    return int((_distances_to_centres(points, dataset) < within * MODE_STD[dataset]).any(axis=0).sum())


def histograms(real, generated, bins: int = 30) -> tuple[np.ndarray, np.ndarray]:
    """Both point sets [n, 2] counted on one grid of bins x bins squares over the views'
    square [-EXTENT, EXTENT]^2, each divided by its number of points: two [bins, bins]
    arrays (points outside the square are left out). Taught in 08_faq.ipynb."""
    edges = np.linspace(-EXTENT, EXTENT, bins + 1)
    counts = [np.histogram2d(points[:, 1], points[:, 0], bins=[edges, edges])[0] / len(points)
              for points in (np.asarray(real), np.asarray(generated))]  # rows: y, columns: x
    return counts[0], counts[1]


def jensen_shannon(p, q) -> float:
    """JSD of two histograms, each first divided by its total: `loss_math.jensen_shannon`
    (chapter 02's) with bins of width 1. 0 for equal histograms, log 2 for histograms with
    no bin in common. Taught in 08_faq.ipynb."""
    from ganlab import loss_math

    p, q = np.asarray(p, np.float64), np.asarray(q, np.float64)
    return loss_math.jensen_shannon(p / p.sum(), q / q.sum(), dx=1.0)


def _distances_to_centres(points, dataset: str) -> np.ndarray:
    offsets = np.asarray(points, dtype=np.float64)[:, None, :] - mode_centres(dataset)[None]
    return np.sqrt((offsets ** 2).sum(axis=-1))  # [points, centres]


def _mlp(name: str, outputs: int, hidden_units: int, hidden_layers: int, seed: int) -> keras.Sequential:
    stack = [keras.Input(shape=(2,), name="input")]
    for index in range(hidden_layers + 1):
        last = index == hidden_layers
        # float32 whatever the global precision policy; a separate seed per layer
        stack.append(layers.Dense(outputs if last else hidden_units, activation=None if last else "leaky_relu",
                                  kernel_initializer=keras.initializers.GlorotUniform(seed=seed * 100 + index),
                                  dtype="float32", name="output" if last else f"hidden_{index + 1}"))
    return keras.Sequential(stack, name=name)


def build_generator(hidden_units: int = 64, hidden_layers: int = 3, seed: int = 0) -> keras.Sequential:
    """G: noise z [batch, 2] -> point [batch, 2]; leaky-ReLU hidden layers, linear output.

    Taught in 01_background_and_concepts.ipynb."""
    return _mlp("generator", 2, hidden_units, hidden_layers, seed)


def build_discriminator(hidden_units: int = 64, hidden_layers: int = 3, seed: int = 1) -> keras.Sequential:
    """D: point [batch, 2] -> logit l [batch, 1]; D(x) = sigmoid(l) is the probability "real".

    Taught in 01_background_and_concepts.ipynb."""
    return _mlp("discriminator", 1, hidden_units, hidden_layers, seed)


@dataclass
class ToySnapshot:
    """What the four views show at one step (see `ToyGAN.snapshot`)."""
    step: int
    dataset: str
    loss: str
    real_points: np.ndarray        # [n, 2]
    generated_points: np.ndarray   # [n, 2]
    surface_axis: np.ndarray       # [resolution]: x (and y) coordinates of the surface
    surface: np.ndarray            # [resolution, resolution]: D at (x=axis[j], y=axis[i])
    warped_grid: np.ndarray        # [lines, points, 2]: the noise grid's lines mapped through G
    d_losses: np.ndarray           # [step]
    g_losses: np.ndarray           # [step]
    d_on_real: np.ndarray          # [n]: D at real_points, as the surface shows it
    d_on_generated: np.ndarray     # [n]: D at generated_points, likewise


class ToyGAN:
    """Alternating GAN training on 2-D data: `d_steps` discriminator updates, then one generator update.

    The learning rates and `d_steps` may change between steps (they are variables the
    compiled step reads); `loss` and `dataset` are fixed: make a new ToyGAN for others.
    Same seed, same weights, same batches, same numbers.

    Taught in 01_background_and_concepts.ipynb.
    """

    def __init__(self, dataset: str = "ring", loss: str = "non_saturating", generator_learning_rate: float = 1e-3,
                 discriminator_learning_rate: float = 1e-3, d_steps: int = 1, batch_size: int = 256, seed: int = 0):
        _check_dataset(dataset)
        self.generator_loss, self.discriminator_loss = losses.loss_pair(loss)
        _check_whole("batch_size", batch_size, minimum=1)
        self.dataset, self.loss, self.batch_size, self.seed = dataset, loss, batch_size, seed
        self.generator = build_generator(seed=2 * seed)
        self.discriminator = build_discriminator(seed=2 * seed + 1)
        self._initial_weights = (self.generator.get_weights(), self.discriminator.get_weights())
        self.generator_optimizer = keras.optimizers.Adam(1e-3, beta_1=0.5, name="generator_adam")
        self.discriminator_optimizer = keras.optimizers.Adam(1e-3, beta_1=0.5, name="discriminator_adam")
        self.generator_optimizer.build(self.generator.trainable_variables)
        self.discriminator_optimizer.build(self.discriminator.trainable_variables)
        self.generator_learning_rate = generator_learning_rate
        self.discriminator_learning_rate = discriminator_learning_rate
        self._d_steps = tf.Variable(1, dtype=tf.int32, trainable=False, name="d_steps")
        self.d_steps = d_steps
        self._centres = tf.constant(mode_centres(dataset))
        self._random = tf.random.Generator.from_seed(seed)
        self._view_noise = np.random.default_rng(seed).uniform(-1, 1, (VIEW_POINTS, 2)).astype(np.float32)
        self._view_real = sample_real(dataset, VIEW_POINTS, seed)
        self._train_step = tf.function(self._alternating_update)
        self._discriminator_step = tf.function(self._discriminator_update)
        self.reset()

    # Learning rates live in the optimizers' variables, which the compiled step reads.
    generator_learning_rate = property(lambda self: _rate(self.generator_optimizer),
                                       lambda self, rate: _set_rate(self.generator_optimizer, rate, "generator"))
    discriminator_learning_rate = property(
        lambda self: _rate(self.discriminator_optimizer),
        lambda self, rate: _set_rate(self.discriminator_optimizer, rate, "discriminator"))

    @property
    def d_steps(self) -> int:
        return int(self._d_steps.numpy())

    @d_steps.setter
    def d_steps(self, value: int) -> None:
        _check_whole("d_steps", value, minimum=1)
        self._d_steps.assign(int(value))

    @property
    def step_count(self) -> int:
        return len(self._d_losses)

    @property
    def history(self) -> dict[str, np.ndarray]:
        """{"d_loss": [steps], "g_loss": [steps]}: the losses of every step so far."""
        return {"d_loss": np.array(self._d_losses, dtype=np.float32),
                "g_loss": np.array(self._g_losses, dtype=np.float32)}

    def reset(self) -> None:
        """Back to step 0: initial weights, fresh optimizer state, batches from the start.

        The learning rates and d_steps keep their current values.
        """
        self.generator.set_weights(self._initial_weights[0])
        self.discriminator.set_weights(self._initial_weights[1])
        for optimizer in (self.generator_optimizer, self.discriminator_optimizer):
            rate = _rate(optimizer)
            for variable in optimizer.variables:  # iterations, Adam's moments (and the rate)
                variable.assign(tf.zeros_like(variable))
            optimizer.learning_rate = rate
        self._random.reset_from_seed(self.seed)
        self._d_losses, self._g_losses = [], []

    def step(self, n: int = 1) -> "ToyGAN":
        """Run n training steps (each: d_steps updates of D, then one of G)."""
        _check_whole("n", n, minimum=0)
        for _ in range(int(n)):
            d_loss, g_loss = self._train_step()
            self._d_losses.append(float(d_loss))
            self._g_losses.append(float(g_loss))
        return self

    def train_discriminator(self, n: int) -> "ToyGAN":
        """n updates of D alone, G frozen: towards the optimal D* = p_data / (p_data + p_g)
        of the current generator (08_faq.ipynb). The step count and losses stay as they are."""
        _check_whole("n", n, minimum=0)
        for _ in range(int(n)):
            self._discriminator_step()
        return self

    def _batches(self):
        """A batch of real points (mixture samples) and one of noise z ~ U[-1, 1]^2."""
        picks = self._random.uniform([self.batch_size], 0, len(self._centres), dtype=tf.int32)
        real = tf.gather(self._centres, picks) + MODE_STD[self.dataset] * self._random.normal([self.batch_size, 2])
        return real, self._random.uniform([self.batch_size, 2], -1.0, 1.0)

    def _alternating_update(self):
        d_loss = tf.constant(0.0)
        for _ in tf.range(self._d_steps):  # a graph loop: changing d_steps does not retrace
            d_loss = self._discriminator_update()
        return d_loss, self._generator_update()

    def _discriminator_update(self):
        real, noise = self._batches()
        fake = self.generator(noise)
        with tf.GradientTape() as tape:
            d_loss = self.discriminator_loss(self.discriminator(real), self.discriminator(fake))
            if self.loss == "wasserstein":  # WGAN-GP (in d_loss too): critic gradients near norm 1
                seed = self._random.make_seeds(1)[:, 0]
                d_loss += GRADIENT_PENALTY_WEIGHT * losses.gradient_penalty(self.discriminator, real, fake, seed)
        variables = self.discriminator.trainable_variables
        self.discriminator_optimizer.apply_gradients(zip(tape.gradient(d_loss, variables), variables))
        return d_loss

    def _generator_update(self):
        _, noise = self._batches()
        with tf.GradientTape() as tape:
            g_loss = self.generator_loss(self.discriminator(self.generator(noise)))
        variables = self.generator.trainable_variables
        self.generator_optimizer.apply_gradients(zip(tape.gradient(g_loss, variables), variables))
        return g_loss

    def real_points(self) -> np.ndarray:
        """A fixed sample of real points [512, 2] (the same at every step)."""
        return self._view_real

    def generated_points(self) -> np.ndarray:
        """G applied to a fixed sample of noise [512, 2], so the points move smoothly from step to step."""
        return self.generator(self._view_noise).numpy()

    def decision_surface(self, resolution: int = 64) -> tuple[np.ndarray, np.ndarray]:
        """(axis [r], surface [r, r]): D(x) = sigmoid(logit) at (x=axis[j], y=axis[i]) on [-EXTENT, EXTENT]^2.

        "least_squares" trains D's output itself towards 1 (real) and 0 (generated), so
        that output, clipped to [0, 1], is shown. For "wasserstein" and "hinge" D is a
        critic with no probability; the sigmoid only squashes its score into [0, 1].
        """
        axis = np.linspace(-EXTENT, EXTENT, resolution, dtype=np.float32)
        grid_x, grid_y = np.meshgrid(axis, axis)
        points = np.stack([grid_x.ravel(), grid_y.ravel()], axis=1)
        return axis, self.discriminator_view(points).reshape(resolution, resolution)

    def discriminator_view(self, points) -> np.ndarray:
        """D at points [n, 2] on the surface's scale: [n] in [0, 1] (see `decision_surface`)."""
        scores = self.discriminator(np.asarray(points, np.float32)).numpy().ravel().astype(np.float64)
        if self.loss == "least_squares":
            return np.clip(scores, 0.0, 1.0)
        return 1.0 / (1.0 + np.exp(-scores))

    def warped_grid(self, lines: int = 11, points_per_line: int = 41) -> np.ndarray:
        """The noise square's grid lines mapped through G: [2 * lines, points_per_line, 2].

        The first `lines` are horizontal (z2 fixed), the rest vertical (z1 fixed).
        """
        along = np.linspace(-1, 1, points_per_line, dtype=np.float32)
        fixed = np.linspace(-1, 1, lines, dtype=np.float32)
        horizontal = np.stack(np.broadcast_arrays(along[None, :], fixed[:, None]), axis=-1)
        noise = np.concatenate([horizontal, horizontal[..., ::-1]]).reshape(-1, 2)
        return self.generator(noise).numpy().reshape(2 * lines, points_per_line, 2)

    def snapshot(self, resolution: int = 64) -> ToySnapshot:
        """Everything the four views show, copied at the current step."""
        axis, surface = self.decision_surface(resolution)
        history = self.history
        real, generated = self.real_points(), self.generated_points()
        return ToySnapshot(self.step_count, self.dataset, self.loss, real, generated, axis, surface,
                           self.warped_grid(), history["d_loss"], history["g_loss"],
                           self.discriminator_view(real), self.discriminator_view(generated))


def _check_dataset(dataset) -> None:
    if dataset not in DATASETS:
        raise ValueError(f"unknown dataset {dataset!r}; known datasets: {', '.join(DATASETS)}.")


def _check_whole(name: str, value, minimum: int) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name} must be a whole number >= {minimum}; got {value!r}.")


def _rate(optimizer) -> float:
    return float(optimizer.learning_rate.numpy())


def _set_rate(optimizer, value, network: str) -> None:
    """Assign to the optimizer's learning-rate variable: the compiled step reads it, nothing retraces."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.number)) or not value > 0 \
            or not np.isfinite(value):
        raise ValueError(f"the {network} learning rate must be a positive number; got {value!r}.")
    optimizer.learning_rate = float(value)
