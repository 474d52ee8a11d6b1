"""A live 2-D GAN in the notebook, after GAN Lab: play, pause, step, reset, and turn the knobs.

    from ganlab import widgets
    widgets.ToyGANWidget(seed=0)   # the last expression of a cell shows it

The browser's Play widget ticks (the kernel stays free between ticks); each tick
trains a few steps of `ganlab.toy.ToyGAN` and redraws the four views as one PNG.
Every control has a stable CSS class ("ganlab-toy-...") for browser tests.

Taught in 01_background_and_concepts.ipynb.

    widgets.AvatarControls(conditional_generator)   # pick skin tone, hair colour, accessory

One dropdown per label of a conditional generator, a noise-seed slider and the avatar
they ask for ("ganlab-avatar-..." classes). Taught in 07_social_media_applications.ipynb.

    widgets.AvatarMorph(generator, direction, "the accessory direction")   # morph and edit

Two avatars by noise seed, a slider that morphs one into the other along the arc
(slerp), and one that moves along a direction of the noise space ("ganlab-morph-...").
"""

from __future__ import annotations

import html
import io
import time

import ipywidgets
import numpy as np
from PIL import Image

from ganlab import losses, plots, toy

# AvatarControls imports ganlab.avatars (through data and recipes) only when it is used:
# python_avatars draws from Python's `random` when imported, which would shift the
# unseeded Keras initialisation of chapter 01 (a notebook that never renders avatars).

_WIDE = {"description_width": "initial"}  # show whole descriptions, not "Generat..."
RESET_NOTE = "Changing the loss or the data set starts again from step 0."


class ToyGANWidget(ipywidgets.VBox):
    """Controls, a step counter and the four views of a `ToyGAN`, kept in step with each other.

    Learning rates and D steps act from the next step on; a new loss or data set
    resets (networks re-initialised from `seed`). Play runs `steps_per_tick` steps
    every `interval_ms`. Ticks that queued up while the kernel was busy arrive back to
    back, less than `min_tick_gap_s` after the last one finished: they are dropped, so
    a slow kernel never builds up a backlog (fresh ticks come `interval_ms` apart).

    Taught in 01_background_and_concepts.ipynb.
    """

    def __repr__(self) -> str:
        # What a saved notebook shows where the live widget cannot be drawn (no kernel,
        # or a notebook JupyterLab does not trust yet): a sentence, not the widget tree.
        return ("[the live 2-D GAN widget: run this notebook in JupyterLab (Run > Run All "
                "Cells) to play with it]")

    def __init__(self, dataset: str = "ring", loss: str = "non_saturating", seed: int = 0,
                 steps_per_tick: int = 20, interval_ms: int = 250, min_tick_gap_s: float = 0.03):
        self.seed, self.steps_per_tick, self.min_tick_gap_s = seed, steps_per_tick, min_tick_gap_s
        self._gans = {(dataset, loss): toy.ToyGAN(dataset, loss, seed=seed)}  # one compiled step per pair
        self.gan = self._gans[(dataset, loss)]
        self._last_tick = 0.0
        self._build_controls(dataset, loss, interval_ms)
        super().__init__(children=[
            ipywidgets.HBox([self.play, self.step_button, self.reset_button, self.counter, self.loss_values]),
            ipywidgets.HBox([self.lr_g, self.lr_d, self.d_steps]),
            ipywidgets.HBox([self.loss, self.dataset, self.note]),
            self.view])
        self.add_class("ganlab-toy")
        self._connect()
        self.redraw()

    def _build_controls(self, dataset: str, loss: str, interval_ms: int) -> None:
        def styled(widget, name):
            widget.add_class(f"ganlab-toy-{name}")
            return widget
        self.play = styled(ipywidgets.Play(value=0, min=0, max=2**31 - 1, interval=interval_ms, show_repeat=False,
                                           description="Play / pause", style=_WIDE), "play")
        self.step_button = styled(ipywidgets.Button(description="Step", tooltip="one training step"), "step")
        self.reset_button = styled(ipywidgets.Button(description="Reset", tooltip="back to step 0"), "reset")
        self.counter = styled(ipywidgets.Label(value="step 0"), "counter")
        self.loss_values = styled(ipywidgets.Label(value=""), "loss-values")
        self.lr_g = styled(_rate_slider("G learning rate", self.gan.generator_learning_rate), "lr-g")
        self.lr_d = styled(_rate_slider("D learning rate", self.gan.discriminator_learning_rate), "lr-d")
        self.d_steps = styled(ipywidgets.IntSlider(value=self.gan.d_steps, min=1, max=5,
                                                   description="D steps per G step", style=_WIDE), "d-steps")
        self.loss = styled(ipywidgets.Dropdown(options=list(losses.LOSSES), value=loss, description="Loss",
                                               style=_WIDE), "loss")
        self.dataset = styled(ipywidgets.Dropdown(options=list(toy.DATASETS), value=dataset, description="Data set",
                                                  style=_WIDE), "dataset")
        self.note = styled(ipywidgets.Label(value=RESET_NOTE), "note")
        self.view = styled(ipywidgets.Image(format="png", layout=ipywidgets.Layout(max_width="100%")), "view")

    def _connect(self) -> None:
        self.play.observe(self._on_tick, names="value")
        self.step_button.on_click(lambda _: self.train(1))
        self.reset_button.on_click(lambda _: self.reset())
        # the GAN's setters write the optimizers' learning-rate variables: no reset, no retracing
        self.lr_g.observe(lambda change: setattr(self.gan, "generator_learning_rate", change["new"]), "value")
        self.lr_d.observe(lambda change: setattr(self.gan, "discriminator_learning_rate", change["new"]), "value")
        self.d_steps.observe(lambda change: setattr(self.gan, "d_steps", change["new"]), names="value")
        self.loss.observe(lambda _: self._switch_gan(), names="value")
        self.dataset.observe(lambda _: self._switch_gan(), names="value")

    def _on_tick(self, change) -> None:
        # Stop (value back to min) is not a tick; neither is one queued while the last ran.
        if change["new"] <= change["old"] or time.monotonic() - self._last_tick < self.min_tick_gap_s:
            return
        self.train(self.steps_per_tick)
        self._last_tick = time.monotonic()

    def train(self, steps: int) -> None:
        """Run `steps` training steps, then redraw."""
        self.gan.step(steps)
        self.redraw()

    def reset(self) -> None:
        """Back to step 0 with the networks re-initialised from the seed; the knobs keep their values."""
        self.gan.reset()
        self.redraw()

    def _switch_gan(self) -> None:
        key = (self.dataset.value, self.loss.value)
        if key not in self._gans:
            self._gans[key] = toy.ToyGAN(*key, seed=self.seed)
        self.gan = self._gans[key]
        self.gan.generator_learning_rate = self.lr_g.value
        self.gan.discriminator_learning_rate = self.lr_d.value
        self.gan.d_steps = self.d_steps.value
        self.reset()

    def redraw(self) -> None:
        """Show the current step: counter, last losses and the four views as a PNG."""
        history = self.gan.history
        self.counter.value = f"step {self.gan.step_count}"
        self.loss_values.value = (f"D loss {history['d_loss'][-1]:.3f}, G loss {history['g_loss'][-1]:.3f}"
                                  if self.gan.step_count else "")
        figure = plots.draw_toy_views(self.gan.snapshot(resolution=48), _figure())
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=72)
        self.view.value = buffer.getvalue()


def _rate_slider(description: str, value: float) -> ipywidgets.FloatLogSlider:
    return ipywidgets.FloatLogSlider(value=value, base=10, min=-5, max=-1, step=0.1, description=description,
                                     readout_format=".0e", style=_WIDE)


def _figure():
    from matplotlib.figure import Figure
    return Figure(figsize=(13, 3.1), layout="constrained")


class AvatarControls(ipywidgets.VBox):
    """Dropdowns for a conditional generator's labels, a noise seed, and the avatar they give.

    The avatar is `recipes.generate(generator, 1, seed=noise seed, labels=...)`, so the
    same settings always give the same picture, and the same seed keeps the same noise
    while a label changes. It is shown `scale` times enlarged, without smoothing. A line
    under the menus shows what the generator is given: each class's index, its position
    in `ganlab.avatars.ATTRIBUTES` (e.g. accessory=6 for "sunglasses").

    Taught in 07_social_media_applications.ipynb.
    """

    def __repr__(self) -> str:
        # What a saved notebook shows where the live widget cannot be drawn.
        # Under 110 characters: ipywidgets cuts a longer one short with an ellipsis.
        return "[the avatar picker: run this notebook in JupyterLab to choose skin tone, hair colour, accessory]"

    def __init__(self, generator, seed: int = 0, max_seed: int = 999, scale: int = 4):
        from ganlab.avatars import ATTRIBUTES

        if not isinstance(generator.input, dict):
            raise ValueError("AvatarControls needs a conditional generator (one that takes labels); "
                             "load one with recipes.load_shipped_generator(... / 'conditional_generator').")
        self.generator, self.scale = generator, scale
        taken = [name for name in generator.input if name != "latent"]
        unknown = [name for name in taken if name not in ATTRIBUTES]
        if unknown:
            raise ValueError(f"the generator takes labels the avatars do not have: {', '.join(unknown)}.")
        self.conditions = tuple(name for name in ATTRIBUTES if name in taken)  # skin tone first, as avatars list them
        self._build_controls(seed, max_seed)
        super().__init__(children=[ipywidgets.HBox(list(self.pickers.values())), self.given, self.noise_seed,
                                   self.view])
        self.add_class("ganlab-avatar")
        for control in [*self.pickers.values(), self.noise_seed]:
            control.observe(lambda _: self.redraw(), names="value")
        self.redraw()

    def _build_controls(self, seed: int, max_seed: int) -> None:
        from ganlab.avatars import ATTRIBUTES

        def styled(widget, name):
            widget.add_class(f"ganlab-avatar-{name}")
            return widget
        self.pickers = {name: styled(ipywidgets.Dropdown(options=[(c, i) for i, c in enumerate(ATTRIBUTES[name])],
                                                         value=0, description=name.replace("_", " "), style=_WIDE),
                                     name.replace("_", "-"))
                        for name in self.conditions}
        self.noise_seed = styled(ipywidgets.IntSlider(value=seed, min=0, max=max_seed, description="noise seed",
                                                      style=_WIDE), "seed")
        self.given = styled(ipywidgets.HTML(), "given")
        shown = f"{self.generator.output.shape[1] * self.scale}px"  # a VBox would stretch it to the page's width
        self.view = styled(ipywidgets.Image(format="png", layout=ipywidgets.Layout(width=shown, height=shown)), "view")

    @property
    def labels(self) -> dict[str, int]:
        """The class index chosen for each label, e.g. {"accessory": 6, "hair_color": 1, ...}."""
        return {name: picker.value for name, picker in self.pickers.items()}

    def image(self) -> np.ndarray:
        """The avatar for the current settings: uint8 [size, size, 3]."""
        from ganlab import data, recipes

        labels = {name: np.array([index]) for name, index in self.labels.items()}
        return data.to_uint8(recipes.generate(self.generator, 1, seed=self.noise_seed.value, labels=labels))[0]

    def given_text(self) -> str:
        """What the generator is given besides the noise, class names as indices, e.g.
        "generator input: skin_tone=6 (black), hair_color=0 (black), accessory=6 (sunglasses)"."""
        from ganlab.avatars import ATTRIBUTES

        return "generator input: " + ", ".join(f"{name}={index} ({ATTRIBUTES[name][index]})"
                                               for name, index in self.labels.items())

    def redraw(self) -> None:
        """Make the avatar for the current settings and show it as a PNG."""
        self.given.value = f"<code>{html.escape(self.given_text())}</code>"
        self.view.value = _enlarged_png(self.image(), self.scale)


def _enlarged_png(image: np.ndarray, scale: int) -> bytes:
    """uint8 [h, w, 3] as PNG bytes, `scale` times larger without smoothing (every pixel a square)."""
    enlarged = Image.fromarray(image).resize((image.shape[1] * scale, image.shape[0] * scale), Image.NEAREST)
    buffer = io.BytesIO()
    enlarged.save(buffer, format="PNG")
    return buffer.getvalue()


class AvatarMorph(ipywidgets.VBox):
    """Two avatars, chosen by noise seed, a slider that morphs one into the other, and
    (given a direction in the noise space) a slider that moves the morph along it.

    The picture is the generator's image of

        z = slerp(z_a, z_b, morph) + edit * direction

    where z_a and z_b are the noise of `seed_a` and `seed_b`, drawn as `recipes.generate`
    draws it (so morph 0 shows the avatar `generate(generator, 1, seed=seed_a)` makes).
    Spherical interpolation keeps z on the shell where the generator was trained
    (chapter 07). `direction` is a vector of the noise space, such as chapter 07's
    accessory direction; `direction_name` names it on the slider. A conditional
    generator also needs `labels` (attribute -> class index, e.g. an AvatarControls'
    `labels`), kept for both avatars.

    Taught in 07_social_media_applications.ipynb.
    """

    def __repr__(self) -> str:
        # What a saved notebook shows where the live widget cannot be drawn (under 110 characters).
        return "[the avatar morph: run this notebook in JupyterLab to slide between two avatars]"

    def __init__(self, generator, direction=None, direction_name: str = "the direction", seed_a: int = 0,
                 seed_b: int = 1, labels: dict | None = None, max_seed: int = 999, scale: int = 3):
        from ganlab import recipes

        conditional = recipes.conditions_of(generator)
        if conditional and labels is None:
            raise ValueError("this generator is conditional: give labels for both avatars, e.g. "
                             "labels=AvatarControls(generator).labels or {'skin_tone': 4, ...}.")
        self.generator, self.scale = generator, scale
        self.labels = {name: int(index) for name, index in (labels or {}).items()} if conditional else None
        self.latent_dim = int((generator.input["latent"] if conditional else generator.input).shape[-1])
        self.direction = None if direction is None else np.asarray(direction, dtype=float).reshape(self.latent_dim)

        def styled(widget, name):
            widget.add_class(f"ganlab-morph-{name}")
            return widget
        seed = dict(min=0, max=max_seed, style=_WIDE, layout=ipywidgets.Layout(width="480px"))
        self.seed_a = styled(ipywidgets.IntSlider(value=seed_a, description="avatar A: noise seed", **seed), "seed-a")
        self.seed_b = styled(ipywidgets.IntSlider(value=seed_b, description="avatar B: noise seed", **seed), "seed-b")
        self.morph = styled(ipywidgets.FloatSlider(value=0.0, min=0.0, max=1.0, step=0.05, description="morph A to B",
                                                   style=_WIDE, layout=seed["layout"]), "morph")
        self.edit = styled(ipywidgets.FloatSlider(value=0.0, min=-3.0, max=3.0, step=0.25,
                                                  description=f"along {direction_name}", style=_WIDE,
                                                  layout=seed["layout"]), "edit")
        shown = f"{generator.output.shape[1] * scale}px"
        self.views = {name: styled(ipywidgets.Image(format="png", layout=ipywidgets.Layout(width=shown, height=shown)),
                                   f"view-{name}") for name in ("a", "now", "b")}
        captions = [ipywidgets.HTML(text) for text in ("A", "<b>the morph</b>", "B")]
        pictures = ipywidgets.HBox([ipywidgets.VBox([caption, view])
                                    for caption, view in zip(captions, self.views.values())])
        sliders = [self.seed_a, self.seed_b, self.morph] + ([self.edit] if self.direction is not None else [])
        super().__init__(children=[*sliders, pictures])
        self.add_class("ganlab-morph")
        for control in (self.seed_a, self.seed_b):
            control.observe(lambda _: self.redraw(ends=True), names="value")
        for control in (self.morph, self.edit):
            control.observe(lambda _: self.redraw(ends=False), names="value")
        self.redraw(ends=True)

    def noise(self, seed: int) -> np.ndarray:
        """The noise vector of a seed, as `recipes.generate(generator, 1, seed)` draws it."""
        return np.random.default_rng(seed).normal(size=(1, self.latent_dim)).astype("float32")[0]

    def latent(self) -> np.ndarray:
        """z for the sliders' settings: slerp(z_a, z_b, morph) + edit * direction."""
        from ganlab.latent import slerp

        z = slerp(self.noise(self.seed_a.value), self.noise(self.seed_b.value), self.morph.value)
        if self.direction is not None:
            z = z + self.edit.value * self.direction
        return z.astype("float32")

    def image(self, z=None) -> np.ndarray:
        """The avatar of z (default: the sliders' z) as uint8 [size, size, 3]."""
        from ganlab import data

        z = (self.latent() if z is None else np.asarray(z, "float32"))[None]
        inputs = {"latent": z, **{name: np.array([index], "int32") for name, index in self.labels.items()}} \
            if self.labels is not None else z
        return data.to_uint8(np.clip(self.generator.predict(inputs, verbose=0), -1.0, 1.0))[0]

    def redraw(self, ends: bool = True) -> None:
        """Draw the morph (and, when a seed changed, the two avatars at its ends)."""
        if ends:
            self.views["a"].value = _enlarged_png(self.image(self.noise(self.seed_a.value)), self.scale)
            self.views["b"].value = _enlarged_png(self.image(self.noise(self.seed_b.value)), self.scale)
        self.views["now"].value = _enlarged_png(self.image(), self.scale)

