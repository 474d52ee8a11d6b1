"""Shipped networks: weights and card.json with checksums, written atomically, checked when loaded."""

import json

import keras
import numpy as np
import pytest

from ganlab.tooling import shipped


def tiny_network(seed):
    keras.utils.set_random_seed(seed)
    inputs = keras.Input((3,))
    return keras.Model(inputs, keras.layers.Dense(2, name="dense")(inputs))


def test_save_then_load_gives_the_same_weights_and_the_card(tmp_path):
    network = tiny_network(0)
    card = shipped.save(tmp_path, {"net": network}, {"steps": 5})
    assert card == json.loads((tmp_path / "card.json").read_text())
    assert card["steps"] == 5 and card["sha256"]["net.weights.h5"] == shipped.sha256(tmp_path / "net.weights.h5")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["card.json", "net.weights.h5"]  # no partial files
    loaded = tiny_network(1)
    assert shipped.load(tmp_path, {"net": loaded}, "the test network", "make it again") == card
    for mine, theirs in zip(loaded.get_weights(), network.get_weights()):
        np.testing.assert_array_equal(mine, theirs)


def test_a_save_killed_before_its_card_leaves_weights_the_old_card_refuses(tmp_path, monkeypatch):
    shipped.save(tmp_path, {"net": tiny_network(0)}, {"steps": 5})

    def killed(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(shipped.json, "dumps", killed)
    with pytest.raises(KeyboardInterrupt):
        shipped.save(tmp_path, {"net": tiny_network(1)}, {"steps": 6})
    monkeypatch.undo()
    assert json.loads((tmp_path / "card.json").read_text())["steps"] == 5
    with pytest.raises(ValueError, match="net.weights.h5 is damaged or was changed.*make it again"):
        shipped.load(tmp_path, {"net": tiny_network(2)}, "the test network", "make it again")


def test_missing_card_or_weights_name_what_and_how_to_get_it_back(tmp_path):
    with pytest.raises(FileNotFoundError, match="the test network is missing .*card.json.*; make it again"):
        shipped.load(tmp_path / "nowhere", {"net": tiny_network(0)}, "the test network", "make it again")
    shipped.save(tmp_path, {"net": tiny_network(0)}, {})
    (tmp_path / "net.weights.h5").unlink()
    with pytest.raises(FileNotFoundError, match="net.weights.h5 is missing; make it again"):
        shipped.load(tmp_path, {"net": tiny_network(0)}, "the test network", "make it again")


def test_every_shipped_folder_loads_with_its_checksums():
    from ganlab import features, recipes, vae

    assert recipes.load_shipped_generator().output.shape[1:] == (64, 64, 3)
    assert isinstance(recipes.load_shipped_generator(shipped.DATA / "conditional_generator").input, dict)
    assert vae.load_shipped_vae(shipped.DATA / "vae")[1]["sha256"].keys() == {"encoder.weights.h5",
                                                                            "decoder.weights.h5"}
    assert features.load_feature_network() is not None
