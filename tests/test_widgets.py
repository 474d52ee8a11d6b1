"""The live toy GAN, driven from Python as a browser would drive it: clicks, Play ticks,
slider and dropdown changes (ipywidgets fires the same callbacks)."""

import inspect
import time

import pytest

from ganlab import course

course.setup(seed=0)  # quiet TensorFlow import before ganlab.widgets imports it

from ganlab import widgets  # noqa: E402

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def shared_widget():
    # min_tick_gap_s=0: ticks come back to back here, faster than any browser sends them
    return widgets.ToyGANWidget(seed=0, steps_per_tick=4, min_tick_gap_s=0)


@pytest.fixture
def widget(shared_widget):
    """The shared widget put back as new (building one costs a second: its step is compiled)."""
    shared_widget.loss.value, shared_widget.dataset.value = "non_saturating", "ring"
    shared_widget.lr_g.value = shared_widget.lr_d.value = 1e-3
    shared_widget.d_steps.value = 1
    shared_widget.play.value = 0
    shared_widget.reset()
    return shared_widget


def test_it_starts_at_step_0_with_a_picture(widget):
    assert widget.counter.value == "step 0" and widget.gan.step_count == 0
    assert bytes(widget.view.value).startswith(PNG_SIGNATURE)


def test_step_button_trains_one_step_and_redraws(widget):
    first_picture = bytes(widget.view.value)
    widget.step_button.click()
    assert widget.counter.value == "step 1" and widget.gan.step_count == 1
    widget.step_button.click()
    assert widget.counter.value == "step 2"
    assert widget.loss_values.value.startswith("D loss ")
    assert bytes(widget.view.value).startswith(PNG_SIGNATURE) and bytes(widget.view.value) != first_picture


def test_play_ticks_train_and_stop_does_not(widget):
    for _ in range(3):
        widget.play.value += 1  # what the browser's Play widget sends every interval
    assert widget.counter.value == "step 12"
    widget.play.value = 0  # the Stop button rewinds the value: not a tick
    assert widget.gan.step_count == 12


def test_ticks_that_queue_up_behind_a_slow_one_are_dropped(widget):
    widget.play.value += 1
    widget.min_tick_gap_s = 60  # as if the next tick had waited in the queue behind this one
    try:
        widget.play.value += 1
    finally:
        widget.min_tick_gap_s = 0
    assert widget.gan.step_count == 4


def test_ticks_spaced_like_a_browser_sends_them_all_train(widget):
    widget.min_tick_gap_s = inspect.signature(widgets.ToyGANWidget).parameters["min_tick_gap_s"].default
    try:
        for _ in range(3):
            time.sleep(0.06)  # Play's ticks come interval_ms apart (250 ms by default)
            widget.play.value += 1
    finally:
        widget.min_tick_gap_s = 0
    assert widget.gan.step_count == 12


def test_reset_returns_to_step_0_and_the_first_picture(widget):
    first_picture = bytes(widget.view.value)
    widget.play.value += 1
    widget.reset_button.click()
    assert widget.counter.value == "step 0" and widget.gan.step_count == 0
    assert bytes(widget.view.value) == first_picture  # the networks start again from the seed


def test_learning_rate_sliders_and_d_steps_act_without_resetting(widget):
    widget.step_button.click()
    widget.lr_g.value = 1e-2
    widget.lr_d.value = 1e-4
    widget.d_steps.value = 3
    assert widget.gan.generator_optimizer.learning_rate.numpy() == pytest.approx(1e-2)
    assert widget.gan.discriminator_optimizer.learning_rate.numpy() == pytest.approx(1e-4)
    widget.step_button.click()
    assert widget.counter.value == "step 2"
    assert int(widget.gan.discriminator_optimizer.iterations.numpy()) == 1 + 3


def test_changing_loss_or_dataset_resets_and_keeps_the_knobs(widget):
    ring_gan = widget.gan
    widget.lr_g.value = 1e-2
    widget.step_button.click()
    widget.loss.value = "hinge"
    assert widget.gan.loss == "hinge" and widget.counter.value == "step 0"
    assert widget.gan.generator_learning_rate == pytest.approx(1e-2)
    widget.dataset.value = "grid"
    assert widget.gan.dataset == "grid" and widget.gan.loss == "hinge"
    widget.step_button.click()
    assert widget.counter.value == "step 1"
    widget.dataset.value, widget.loss.value = "ring", "non_saturating"
    assert widget.gan is ring_gan and widget.gan.step_count == 0  # compiled once, reused
    assert "starts again from step 0" in widget.note.value


def test_every_control_has_a_description_and_a_stable_css_class(widget):
    controls = {"play": widget.play, "step": widget.step_button, "reset": widget.reset_button,
                "lr-g": widget.lr_g, "lr-d": widget.lr_d, "d-steps": widget.d_steps, "loss": widget.loss,
                "dataset": widget.dataset}
    for name, control in controls.items():
        assert f"ganlab-toy-{name}" in control._dom_classes
        assert control.description
    for name, view in {"counter": widget.counter, "view": widget.view, "note": widget.note}.items():
        assert f"ganlab-toy-{name}" in view._dom_classes
    assert "ganlab-toy" in widget._dom_classes


def test_importing_the_widgets_leaves_pythons_random_alone():
    # python_avatars draws from `random` when imported; chapter 01 imports the widgets after
    # seeding and builds unseeded networks, so its stored outputs depend on this.
    import subprocess
    import sys

    code = ("from ganlab import course; course.setup(seed=0); import random, sys; state = random.getstate(); "
            "import ganlab.widgets; assert 'python_avatars' not in sys.modules; assert random.getstate() == state")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
