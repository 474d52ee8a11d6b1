import math

import numpy as np
import pytest

from ganlab import course

course.setup(seed=0)  # quiet TensorFlow import before ganlab.toy imports it

from ganlab import exercises, losses, plots, toy  # noqa: E402


@pytest.fixture(scope="module")
def trained():
    """A ring GAN before and after 400 steps (shared: training is the slow part)."""
    gan = toy.ToyGAN(dataset="ring", seed=0)
    before = gan.snapshot()
    gan.step(400)
    return gan, before


def test_mode_centres_are_a_ring_of_8_and_a_5x5_grid():
    ring, grid = toy.mode_centres("ring"), toy.mode_centres("grid")
    assert ring.shape == (8, 2) and grid.shape == (25, 2)
    np.testing.assert_allclose(np.linalg.norm(ring, axis=1), 2.0, rtol=1e-6)
    assert sorted(set(grid[:, 0].round(6))) == [-2.0, -1.0, 0.0, 1.0, 2.0]


@pytest.mark.parametrize("dataset", toy.DATASETS)
def test_real_samples_repeat_from_the_seed_and_sit_on_the_modes(dataset):
    points = toy.sample_real(dataset, 4000, seed=3)
    np.testing.assert_array_equal(points, toy.sample_real(dataset, 4000, seed=3))
    assert not np.array_equal(points, toy.sample_real(dataset, 4000, seed=4))
    # the distance of a 2-D Gaussian sample to its centre averages std * sqrt(pi / 2)
    expected = toy.MODE_STD[dataset] * math.sqrt(math.pi / 2)
    assert toy.nearest_mode_distance(points, dataset).mean() == pytest.approx(expected, rel=0.05)
    assert toy.modes_covered(points, dataset) == len(toy.mode_centres(dataset))


def test_modes_covered_counts_centres_not_points():
    on_one_mode = np.repeat(toy.mode_centres("ring")[:1], 50, axis=0)
    assert toy.modes_covered(on_one_mode, "ring") == 1
    assert toy.modes_covered(np.zeros((10, 2)), "ring") == 0
    assert toy.nearest_mode_distance(np.zeros((1, 2)), "ring")[0] == pytest.approx(2.0)


def test_networks_map_points_to_points_and_to_logits():
    generator, discriminator = toy.build_generator(), toy.build_discriminator()
    assert generator(np.zeros((5, 2), np.float32)).shape == (5, 2)
    assert discriminator(np.zeros((5, 2), np.float32)).shape == (5, 1)
    # 2->64->64->64->2 and 2->64->64->64->1 dense layers, weights and biases
    assert generator.count_params() == 3 * 64 + 2 * 65 * 64 + 65 * 2 == 8642
    assert discriminator.count_params() == 8577


def test_same_seed_gives_the_same_numbers_and_another_seed_others():
    first, second = toy.ToyGAN(seed=0).step(5), toy.ToyGAN(seed=0).step(5)
    np.testing.assert_array_equal(first.history["d_loss"], second.history["d_loss"])
    np.testing.assert_array_equal(first.generated_points(), second.generated_points())
    other = toy.ToyGAN(seed=1)
    assert not np.array_equal(other.generated_points(), toy.ToyGAN(seed=0).generated_points())
    assert not np.array_equal(other.real_points(), first.real_points())


def test_reset_returns_to_step_zero_and_replays_the_same_run():
    gan = toy.ToyGAN(seed=0)
    start = gan.generated_points()
    gan.step(5)
    losses_first, points_first = gan.history["g_loss"], gan.generated_points()
    gan.step(5)
    gan.reset()
    assert gan.step_count == 0 and len(gan.history["d_loss"]) == 0
    np.testing.assert_array_equal(gan.generated_points(), start)
    gan.step(5)
    np.testing.assert_array_equal(gan.history["g_loss"], losses_first)
    np.testing.assert_array_equal(gan.generated_points(), points_first)


@pytest.mark.parametrize("loss", list(losses.LOSSES))
def test_every_loss_trains(loss):
    gan = toy.ToyGAN(loss=loss, seed=0)
    start = gan.generated_points()
    gan.step(3)
    history = gan.history
    assert gan.step_count == 3 and history["d_loss"].shape == history["g_loss"].shape == (3,)
    assert np.isfinite(history["d_loss"]).all() and np.isfinite(history["g_loss"]).all()
    assert not np.array_equal(gan.generated_points(), start)  # the generator was updated


def test_training_moves_the_generated_points_onto_the_data(trained):
    gan, before = trained
    distance_before = toy.nearest_mode_distance(before.generated_points, "ring").mean()
    distance_after = toy.nearest_mode_distance(gan.generated_points(), "ring").mean()
    assert distance_before > 1.5  # the untrained generator puts everything near the centre
    assert distance_after < 0.5 * distance_before
    assert toy.modes_covered(gan.generated_points(), "ring") >= 6


def test_learning_rates_and_d_steps_change_between_steps_without_retracing():
    gan = toy.ToyGAN(seed=0)
    gan.step(1)
    gan.generator_learning_rate, gan.discriminator_learning_rate, gan.d_steps = 0.02, 0.005, 3
    assert gan.generator_optimizer.learning_rate.numpy() == pytest.approx(0.02)
    assert gan.discriminator_optimizer.learning_rate.numpy() == pytest.approx(0.005)
    gan.step(2)
    assert int(gan.discriminator_optimizer.iterations.numpy()) == 1 + 2 * 3
    assert int(gan.generator_optimizer.iterations.numpy()) == 3
    assert gan._train_step.experimental_get_tracing_count() == 1
    gan.reset()  # keeps the knobs, zeroes the optimizers
    assert gan.generator_learning_rate == pytest.approx(0.02) and gan.d_steps == 3
    assert int(gan.discriminator_optimizer.iterations.numpy()) == 0


@pytest.mark.parametrize("arguments, message", [
    (dict(loss="vanilla"), "unknown loss 'vanilla'"),
    (dict(dataset="spiral"), "unknown dataset 'spiral'"),
    (dict(generator_learning_rate=0.0), "generator learning rate .* got 0.0"),
    (dict(discriminator_learning_rate=-1e-3), "discriminator learning rate .* got -0.001"),
    (dict(d_steps=0), "d_steps must be a whole number >= 1; got 0"),
    (dict(batch_size=0), "batch_size .* got 0"),
])
def test_bad_arguments_are_named_in_the_error(arguments, message):
    with pytest.raises(ValueError, match=message):
        toy.ToyGAN(**arguments)


def test_bad_values_are_refused_between_steps_too():
    gan = toy.ToyGAN(seed=0)
    with pytest.raises(ValueError, match="got -1"):
        gan.step(-1)
    with pytest.raises(ValueError, match="got nan"):
        gan.generator_learning_rate = float("nan")
    with pytest.raises(ValueError, match="got 2.5"):
        gan.d_steps = 2.5
    assert gan.step(0).step_count == 0


def test_views_have_the_promised_shapes_and_ranges(trained):
    gan, _ = trained
    axis, surface = gan.decision_surface(resolution=32)
    assert axis.shape == (32,) and surface.shape == (32, 32)
    assert axis[0] == -toy.EXTENT and axis[-1] == toy.EXTENT
    assert ((surface > 0) & (surface < 1)).all()
    grid = gan.warped_grid(lines=5, points_per_line=9)
    assert grid.shape == (10, 9, 2)
    # line 0 is z2 = -1 with z1 running over [-1, 1]; line 5 is z1 = -1: they share z = (-1, -1)
    corner = gan.generator(np.array([[-1.0, -1.0]], np.float32)).numpy()[0]
    np.testing.assert_allclose(grid[0, 0], corner, atol=1e-5)
    np.testing.assert_allclose(grid[5, 0], corner, atol=1e-5)
    snapshot = gan.snapshot()
    assert snapshot.step == 400 and snapshot.d_losses.shape == (400,)
    assert snapshot.real_points.shape == snapshot.generated_points.shape == (toy.VIEW_POINTS, 2)


def test_d_at_the_view_points_is_on_the_surface_scale(trained):
    gan, _ = trained
    snapshot = gan.snapshot(resolution=16)
    assert snapshot.d_on_real.shape == snapshot.d_on_generated.shape == (toy.VIEW_POINTS,)
    logits = gan.discriminator(snapshot.real_points).numpy().ravel()
    np.testing.assert_allclose(snapshot.d_on_real, 1 / (1 + np.exp(-logits)), rtol=1e-5)
    corner = np.array([[snapshot.surface_axis[0], snapshot.surface_axis[-1]]])  # x = axis[0], y = axis[-1]
    np.testing.assert_allclose(gan.discriminator_view(corner)[0], snapshot.surface[-1, 0], rtol=1e-5)


def test_the_four_views_draw_one_row_per_snapshot(trained, recwarn):
    gan, before = trained
    figure = plots.draw_toy_views([before, gan.snapshot()])
    titled = [axes for axes in figure.axes if axes.get_title()]
    assert len(titled) == 4  # column titles on the top row only
    assert [axes.get_ylabel() for axes in figure.axes[::4][:2]] == ["step 0", "step 400"]
    assert len(figure.axes) == 2 * 4 + 2  # four views per row, plus a colour bar each
    assert len(recwarn) == 0


def test_exercise_checkers_accept_solutions_and_explain_mistakes(capsys):
    exercises.check("01.1", lambda steps, d_steps: (["D"] * d_steps + ["G"]) * steps)
    exercises.check("01.1", lambda steps, d_steps: (["G"] + ["D"] * d_steps) * steps)
    exercises.check("01.2", lambda points, centres, radius: int(
        (np.linalg.norm(points[:, None] - centres[None], axis=-1) < radius).any(axis=0).sum()))
    exercises.check("01.2", lambda points, centres, radius: int(
        (np.linalg.norm(points[:, None] - centres[None], axis=-1) < radius).any(axis=1).sum()))
    exercises.check("01.3", "b")
    exercises.check("01.3", "c")
    verdicts = capsys.readouterr().out.splitlines()
    assert verdicts[0] == "Exercise 01.1: correct." and "wrong order" in verdicts[1]
    assert verdicts[2] == "Exercise 01.2: correct." and "count points, not centres" in verdicts[3]
    assert verdicts[4] == "Exercise 01.3: correct." and "collapsed" in verdicts[5]
