"""Which arithmetic to train in: float32, or mixed precision where the hardware has it.

    precision.choose_precision("auto")   # bfloat16 on this CPU, float16 on a GPU

Taught in 04_training.ipynb.
"""

from __future__ import annotations

import contextlib
import os

import keras
import tensorflow as tf

PRECISIONS = ("auto", "float32", "mixed_bfloat16", "mixed_float16")


def choose_precision(requested: str = "auto", cpu_flags: set[str] | None = None,
                     has_gpu: bool | None = None) -> str:
    """The Keras dtype policy to train with, and set it globally.

    "auto": mixed_float16 on a GPU; mixed_bfloat16 on a CPU with bf16 arithmetic
    (AVX-512-BF16 or AMX); float32 otherwise. Measured on the 2-core course machine:
    a 64x64 DCGAN step ran 1.7x faster in mixed_bfloat16 than in float32.
    Any of PRECISIONS may be requested explicitly.

    Taught in 04_training.ipynb (first used in 03_dense_generator_and_conv_discriminator.ipynb).
    """
    if requested not in PRECISIONS:
        raise ValueError(f"unknown precision {requested!r}; choose one of {', '.join(PRECISIONS)}.")
    policy = requested if requested != "auto" else detect_precision(cpu_flags, has_gpu)
    keras.mixed_precision.set_global_policy(policy)
    return policy


@contextlib.contextmanager
def dtype_policy(name: str):
    """Build models in the Keras dtype policy `name` inside a `with` block; the global
    policy is set back to what it was when the block ends (also on an error)."""
    previous = keras.mixed_precision.global_policy()
    keras.mixed_precision.set_global_policy(name)
    try:
        yield
    finally:
        keras.mixed_precision.set_global_policy(previous)


ENVIRONMENT_VARIABLE = "GANLAB_PRECISION"


def detect_precision(cpu_flags: set[str] | None = None, has_gpu: bool | None = None) -> str:
    """What "auto" picks on this machine, without setting it (see `choose_precision`).

    The environment variable GANLAB_PRECISION (float32, mixed_bfloat16 or mixed_float16)
    overrides the detection: `GANLAB_PRECISION=float32 make test` runs the course as a
    CPU without bfloat16 units does.
    """
    forced = os.environ.get(ENVIRONMENT_VARIABLE, "").strip()
    if forced and cpu_flags is None and has_gpu is None:
        if forced not in PRECISIONS or forced == "auto":
            raise ValueError(f"{ENVIRONMENT_VARIABLE}={forced!r} is not a precision; set it to one of "
                             f"{', '.join(p for p in PRECISIONS if p != 'auto')}, or unset it to detect one.")
        return forced
    if has_gpu is None:
        has_gpu = bool(tf.config.list_physical_devices("GPU"))
    flags = _cpu_flags() if cpu_flags is None else cpu_flags
    if has_gpu:
        return "mixed_float16"
    if flags & {"avx512_bf16", "amx_bf16"}:
        return "mixed_bfloat16"
    return "float32"


def device_line(policy: str) -> str:
    """One plain line on where training runs, for the command line: what TensorFlow's
    start-up log lines (hidden there) would otherwise say in their own words."""
    gpus = tf.config.list_physical_devices("GPU")
    where = (f"{len(gpus)} GPU{'s' if len(gpus) > 1 else ''}" if gpus else
             f"the CPU ({os.cpu_count()} cores; no GPU found)")
    return f"training on {where}, precision {policy}"


def _cpu_flags() -> set[str]:
    """The CPU's feature flags (Linux: /proc/cpuinfo); empty where they cannot be read."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("flags"):
                    return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return set()
