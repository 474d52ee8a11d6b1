import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
# the chapters, in reading order
CHAPTERS = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))


@pytest.fixture
def cache_dir(tmp_path):
    """A private avatar cache, so tests neither read nor fill the learner's data/cache."""
    return tmp_path / "cache"


@pytest.fixture(autouse=True)
def float32_after_each_test():
    """Set Keras' global dtype policy back to float32 after every test. Code under test
    may set it (`python -m ganlab demo` picks mixed_bfloat16 on the course machine), and a
    later test in the same worker would then build its networks in bfloat16, so that
    which test ran before it (which differs between runs in two workers) could decide
    its result."""
    yield
    keras = sys.modules.get("keras")  # only where a test imported it
    if keras is not None:
        keras.mixed_precision.set_global_policy("float32")
