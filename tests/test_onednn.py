"""Importing ganlab turns TensorFlow's oneDNN kernels on where TensorFlow would leave them
off (CPUs without AVX-512 VNNI/BF16 or AMX: most laptops), unless the user chose."""

import os
import subprocess
import sys

import pytest

from conftest import REPO

CHECK = ("import os, ganlab\n"
         "from ganlab import models  # imports TensorFlow\n"
         "from tensorflow.python.util import _pywrap_util_port\n"
         "print(os.environ['TF_ENABLE_ONEDNN_OPTS'], _pywrap_util_port.IsMklEnabled())\n")


@pytest.mark.parametrize("chosen, expected", [(None, "1 True"), ("0", "0 False")])
def test_ganlab_turns_onednn_on_unless_the_user_chose(chosen, expected):
    environment = {key: value for key, value in os.environ.items() if key != "TF_ENABLE_ONEDNN_OPTS"}
    if chosen is not None:
        environment["TF_ENABLE_ONEDNN_OPTS"] = chosen
    environment["TF_CPP_MIN_LOG_LEVEL"] = "3"
    result = subprocess.run([sys.executable, "-c", CHECK], cwd=REPO, env=environment,
                            capture_output=True, text=True, timeout=300, check=True)
    assert result.stdout.strip().splitlines()[-1] == expected
