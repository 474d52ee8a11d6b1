"""Recipes: building a GAN from stored settings, and the shipped generator."""

import json

import numpy as np
import pytest

from ganlab import data, recipes, training


def test_unknown_recipe_lists_the_known_ones():
    with pytest.raises(ValueError, match="unknown recipe 'magic'; known recipes: tutorial, hinge_sn"):
        recipes.run_settings("magic")


def test_every_recipe_is_described_and_the_default_exists():
    assert all(len(recipe.description) > 20 for recipe in recipes.RECIPES.values())
    assert recipes.DEFAULT_RECIPE in recipes.RECIPES


def test_every_recipe_builds_a_compiled_gan_with_its_arguments():
    for name, recipe in recipes.RECIPES.items():
        gan = recipes.build_gan(recipes.run_settings(name, size=32, width=4, latent_dim=8))
        assert (gan.loss_name, gan.d_steps, gan.ema_decay, gan.r1_weight, gan.gp_weight) == \
            (recipe.loss, recipe.d_steps, recipe.ema_decay, recipe.r1_weight, recipe.gp_weight)
        assert (gan.ema_generator is not None) == (recipe.ema_decay is not None)
        rates = (float(gan.generator_optimizer.learning_rate), float(gan.discriminator_optimizer.learning_rate))
        assert rates == pytest.approx((recipe.generator_lr, recipe.discriminator_lr))
        assert gan.discriminator_optimizer.beta_2 == recipe.beta_2


def test_a_run_config_goes_into_json_and_back():
    config = recipes.run_settings("ns_r1", size=32, width=4, conditions={"skin_tone": 7},
                                  augment="cutout, color", batch_size=16, precision="float32")
    stored = config.to_dict()
    assert stored["augment"] == "cutout,color" and stored["conditions"] == {"skin_tone": 7}
    assert recipes.RunConfig.from_dict(stored) == config
    assert "augment" not in recipes.run_settings().to_dict()  # unset fields are left out, as before
    older = recipes.RunConfig.from_dict({"recipe": "hinge_sn", "size": 32, "width": 4, "latent_dim": 8})
    assert (older.batch_size, older.seed, older.precision) == (64, 0, None)
    with pytest.raises(ValueError, match="unknown run settings colour"):
        recipes.RunConfig.from_dict({"recipe": "ns_r1", "colour": "red"})
    shipped = json.loads((recipes.SHIPPED / "card.json").read_text())["settings"]
    assert recipes.RunConfig.from_dict(shipped).to_dict() == shipped


def test_ship_and_load_a_generator(tmp_path):
    settings = recipes.run_settings("hinge_sn", size=32, width=4, latent_dim=8, batch_size=16,
                                    n_images=32, seed=0, precision="float32")
    gan = recipes.build_gan(settings)
    avatars = data.load_avatars(32, 32, seed=3, cache_dir=tmp_path / "cache", workers=1, progress=False)
    training.train(gan, avatars.images, steps=2, batch_size=16, run_dir=tmp_path / "run",
                   checkpoint_every=2, sample_every=2, config=settings, progress=False)
    card = recipes.ship_generator(tmp_path / "run" / "checkpoint-00000002.npz", {"avatar_fid": 1.0},
                                  minutes=0.1, folder=tmp_path / "shipped")
    assert card["steps"] == 2 and card["settings"]["recipe"] == "hinge_sn"
    shipped = recipes.load_shipped_generator(tmp_path / "shipped")
    expected = recipes.generate(gan.ema_generator, 4, seed=1)
    assert np.allclose(recipes.generate(shipped, 4, seed=1), expected, atol=1e-5)
    weights = tmp_path / "shipped" / "generator.weights.h5"
    weights.write_bytes(weights.read_bytes()[:-50] + b"\0" * 50)
    with pytest.raises(ValueError, match="damaged or was changed"):
        recipes.load_shipped_generator(tmp_path / "shipped")
    with pytest.raises(FileNotFoundError, match="shipped generator is missing"):
        recipes.load_shipped_generator(tmp_path / "nowhere")


def test_a_conditional_run_is_rebuilt_from_its_checkpoint_and_needs_labels(tmp_path):
    settings = recipes.run_settings("ns_r1", size=32, width=4, latent_dim=8, conditions={"skin_tone": 7},
                                    batch_size=16, n_images=32, seed=0, precision="float32")
    gan = recipes.build_gan(settings)
    assert gan.conditions == ("skin_tone",)
    avatars = data.load_avatars(32, 32, seed=3, cache_dir=tmp_path / "cache", workers=1, progress=False)
    training.train(gan, avatars.images, {"skin_tone": avatars.label("skin_tone")}, steps=2, batch_size=16,
                   run_dir=tmp_path / "run", checkpoint_every=2, sample_every=2, config=settings, progress=False)
    generator = recipes.load_generator(tmp_path / "run" / "checkpoint-00000002.npz")
    labels = {"skin_tone": np.arange(4) % 7}
    images = recipes.generate(generator, 4, seed=1, labels=labels)
    assert images.shape == (4, 32, 32, 3)
    assert np.allclose(images, recipes.generate(gan.ema_generator, 4, seed=1, labels=labels), atol=1e-5)
    with pytest.raises(ValueError, match="needs labels for skin_tone; got none"):
        recipes.generate(generator, 4)
    with pytest.raises(ValueError, match="not conditional: leave out labels"):
        recipes.generate(recipes.build_gan(recipes.run_settings("ns_r1", 32, 4, 8)).generator, 4, labels=labels)
