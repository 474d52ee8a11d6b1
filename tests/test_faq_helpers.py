"""Chapter 08's helpers: the VAE, the toy's histograms and JSD, D alone, inverting a generator."""

import math

import keras
import numpy as np
import pytest

from ganlab import latent, models, toy, vae


def test_kl_to_prior_by_hand():
    kl = vae.kl_to_prior(np.array([[0.0, 0.0], [1.0, 0.0], [0.0, math.log(2.0)]]), np.array(
        [[0.0, 0.0], [0.0, 0.0], [0.0, 0.0]]))
    assert np.allclose(np.asarray(kl), [0.0, 0.5, 0.5 * math.log(2.0) ** 2])  # mean^2 / 2 per dimension
    spread = vae.kl_to_prior(np.zeros((1, 1)), np.full((1, 1), math.log(2.0)))
    assert float(np.asarray(spread)[0]) == pytest.approx(0.5 * (2.0 - 1.0 - math.log(2.0)))


def _tiny_vae(sigma=0.2):
    keras.utils.set_random_seed(0)
    model = vae.VAE(vae.vae_encoder(latent_dim=8, size=32, width=4), models.dcgan_generator(8, 32, 4), sigma=sigma)
    model.compile(keras.optimizers.Adam(2e-3))
    return model


def test_vae_learns_to_reconstruct_a_few_images():
    images = np.random.default_rng(0).uniform(-1, 1, (16, 32, 32, 3)).astype("float32")
    images[:, :16] = 0.8  # something to learn: a bright top half
    model = _tiny_vae()
    before = float(np.mean((np.asarray(model.reconstruct(images)) - images) ** 2))
    history = model.fit(images, batch_size=16, epochs=40, verbose=0).history
    after = float(np.mean((np.asarray(model.reconstruct(images)) - images) ** 2))
    assert after < 0.8 * before
    assert history["loss"][-1] < history["loss"][0]
    assert np.allclose(history["loss"][-1], history["reconstruction"][-1] + history["kl"][-1], rtol=1e-4)
    assert model(np.zeros((2, 8), "float32")).shape == (2, 32, 32, 3)


def test_vae_sigma_is_checked_and_weighs_the_reconstruction():
    with pytest.raises(ValueError, match="sigma must be more than 0"):
        _tiny_vae(sigma=0)
    images = np.zeros((4, 32, 32, 3), "float32")
    narrow, wide = _tiny_vae(sigma=0.1), _tiny_vae(sigma=0.2)
    wide.set_weights(narrow.get_weights())
    reconstruction_narrow, _ = narrow.losses_of(images)
    reconstruction_wide, _ = wide.losses_of(images)
    assert np.allclose(np.asarray(reconstruction_narrow), 4 * np.asarray(reconstruction_wide), rtol=0.05)


def test_a_shipped_vae_loads_back_and_a_damaged_one_is_refused(tmp_path):
    model = _tiny_vae()
    card = {"settings": {"size": 32, "width": 4, "latent_dim": 8, "sigma": 0.2}, "steps": 0}
    vae.ship_vae(model, tmp_path, card)
    loaded, loaded_card = vae.load_shipped_vae(tmp_path)
    latent_vectors = np.random.default_rng(1).normal(size=(2, 8)).astype("float32")
    assert np.allclose(np.asarray(loaded(latent_vectors)), np.asarray(model(latent_vectors)), atol=1e-6)
    assert loaded_card["steps"] == 0
    with open(tmp_path / "decoder.weights.h5", "r+b") as weights:
        weights.seek(-10, 2)
        weights.write(b"0123456789")
    with pytest.raises(ValueError, match="damaged or was changed"):
        vae.load_shipped_vae(tmp_path)
    with pytest.raises(FileNotFoundError, match="the shipped VAE is missing"):
        vae.load_shipped_vae(tmp_path / "nowhere")


def test_histograms_and_jensen_shannon():
    real = toy.sample_real("ring", 4000, seed=0)
    p, q = toy.histograms(real, real + 10.0)  # the second set lies outside the square
    assert p.sum() == pytest.approx(1.0) and q.sum() == 0.0
    p, q = toy.histograms(real, toy.sample_real("ring", 4000, seed=1))
    assert toy.jensen_shannon(p, p) == 0.0
    assert toy.jensen_shannon([1, 0], [0, 1]) == pytest.approx(math.log(2))
    assert toy.jensen_shannon([0.5, 0.5], [1.0, 0.0]) == pytest.approx(
        0.5 * (0.5 * math.log(0.5 / 0.75) + 0.5 * math.log(0.5 / 0.25)) + 0.5 * math.log(1 / 0.75))
    assert toy.jensen_shannon(p, q) < 0.05  # two samples of the same mixture


def test_training_d_alone_leaves_g_and_the_step_count_alone():
    gan = toy.ToyGAN(seed=0).step(20)
    points = gan.generated_points()
    before = gan.discriminator_view(gan.real_points()).mean()
    gan.train_discriminator(200)
    assert gan.step_count == 20 and np.array_equal(points, gan.generated_points())
    assert gan.discriminator_view(gan.real_points()).mean() > before  # D tells them apart better


def test_inverting_a_generator_finds_a_latent_vector_for_its_own_image():
    keras.utils.set_random_seed(0)
    generator = models.dcgan_generator(latent_dim=8, size=32, width=4)
    target = np.random.default_rng(2).normal(size=(2, 8)).astype("float32")
    images = ((np.asarray(generator(target)) + 1) * 127.5).round().astype(np.uint8)
    z, errors = latent.invert(generator, images, steps=150, learning_rate=0.05)
    assert z.shape == (2, 8) and errors.shape == (150,)
    assert errors[-1] < 0.5 * errors[0]
