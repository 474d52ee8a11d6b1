"""Trained networks shipped with the course in data/: weights, and a card (card.json) that
records how they were made and each weight file's SHA-256. Nothing is ever downloaded.

    card = shipped.save(folder, {"generator": generator}, {"steps": 2080, ...})
    card = shipped.load(folder, {"generator": fresh_generator}, "the generator", "restore it with git")

Each network is written as `<name>.weights.h5`; the card's "sha256" maps file names to
checksums, which `load` checks before it loads anything. Used by the generator
(`recipes`), the VAE (`vae`) and the feature network (`features`).
Run tooling: the chapters load through those modules.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path



CHECKOUT_DATA = Path(__file__).resolve().parents[2] / "data"  # a source checkout's data/ folder
IN_CHECKOUT = (CHECKOUT_DATA / "generator").is_dir()
# the shipped networks, the recorded experiments and records: data/ in a source checkout,
# else the copy a wheel installs as ganlab/course_data
DATA = CHECKOUT_DATA if IN_CHECKOUT else Path(__file__).resolve().parents[1] / "course_data"
CARD = "card.json"


def save(folder: str | os.PathLike, networks: dict, card: dict) -> dict:
    """Write each network's weights and card.json (`card` plus "sha256"); returns that card.

    Every file is written under a temporary name and then renamed, the card last: a
    save killed halfway leaves the old card, which refuses the new weights (their
    checksums differ) instead of loading a mix.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    checksums = {}
    for name, network in networks.items():
        weights = folder / f"{name}.weights.h5"
        partial = folder / f"partial.{weights.name}"
        network.save_weights(partial)
        checksums[weights.name] = sha256(partial)
        partial.replace(weights)
    card = {**card, "sha256": checksums}
    partial = folder / f"partial.{CARD}"
    partial.write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")
    partial.replace(folder / CARD)
    return card


def read_card(folder: str | os.PathLike, what: str, remedy: str) -> dict:
    """card.json of the shipped `what` ("the shipped generator"); a missing one says `remedy`."""
    path = Path(folder) / CARD
    if not path.is_file():
        raise FileNotFoundError(f"{what} is missing ({path} not found); {remedy}.")
    return json.loads(path.read_text(encoding="utf-8"))


def load(folder: str | os.PathLike, networks: dict, what: str, remedy: str) -> dict:
    """Load each network's weights from `folder` after checking its checksum; returns the card.

    `networks` maps names to freshly built networks of the right shape; the errors name
    `what` is missing ("the shipped VAE") and say `remedy`, how to get it back
    ("restore it with git, or ...").
    """
    folder = Path(folder)
    card = read_card(folder, what, remedy)
    for name, network in networks.items():
        weights = folder / f"{name}.weights.h5"
        if not weights.is_file():
            raise FileNotFoundError(f"{weights} is missing; {remedy}.")
        if sha256(weights) != card["sha256"][weights.name]:
            raise ValueError(f"{weights} is damaged or was changed (its checksum does not match "
                             f"{CARD}); {remedy}.")
        network.load_weights(weights)
    return card


def sha256(path: str | os.PathLike) -> str:
    """The file's SHA-256 as hex."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()
