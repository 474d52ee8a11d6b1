from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
# the chapters, in reading order
CHAPTERS = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))


@pytest.fixture
def cache_dir(tmp_path):
    """A private avatar cache, so tests neither read nor fill the learner's data/cache."""
    return tmp_path / "cache"
