"""pytest settings for the whole repository: the portable check of the chapters.

`make test` compares every stored output of the chapters exactly, as the course machine
(an x86-64 CPU with AVX-512 and bfloat16 units) produces them. A few cells cannot
reproduce elsewhere: the 2-D toy GAN of chapters 01, 06 and 08 trains live, and over
thousands of steps its dynamics turn a difference in the last bit of a sum (another
CPU's kernels, another number of threads) into a different second digit. Those cells
carry the tag `machine-dependent` in their metadata (the chapters say why next to them).

In portable mode nbval still runs those cells, and fails on an error in them, but does
not compare their output; every other cell is compared as usual. The mode is chosen
from the CPU: on anything but the recording machine's kind (Linux on an x86-64 CPU with
bfloat16 units, AVX-512-BF16 or AMX) it is on. GANLAB_PORTABLE=1 turns it on anywhere
(`make test-portable`), GANLAB_PORTABLE=0 off anywhere (to see how far a laptop's toy
numbers move).
"""

import os

import ganlab  # noqa: F401  (before any test imports TensorFlow: it turns oneDNN on, see ganlab/__init__.py)

MACHINE_DEPENDENT = "machine-dependent"
RECORDING_FLAGS = {"avx512_bf16", "amx_bf16"}  # the CPUs the stored outputs reproduce on


def cpu_flags() -> set[str]:
    """The CPU's feature flags from /proc/cpuinfo (Linux); empty elsewhere."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("flags"):
                    return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return set()


def portable(flags: set[str] | None = None) -> bool:
    chosen = os.environ.get("GANLAB_PORTABLE", "").strip()
    if chosen in ("0", "1"):
        return chosen == "1"
    return not (RECORDING_FLAGS & (cpu_flags() if flags is None else flags))


def pytest_report_header(config):
    if not portable():
        return None
    why = ("GANLAB_PORTABLE=1" if os.environ.get("GANLAB_PORTABLE", "").strip() == "1"
           else "this CPU has no bfloat16 units (not the recording machine's kind; "
                "GANLAB_PORTABLE=0 compares them anyway)")
    return f"portable mode, {why}: cells tagged {MACHINE_DEPENDENT!r} are run, their output not compared"


def pytest_collection_modifyitems(config, items):
    if not portable():
        return
    for item in items:
        cell = getattr(item, "cell", None)  # nbval's cell items
        options = getattr(item, "options", None)
        if cell is not None and options is not None and MACHINE_DEPENDENT in cell.get("metadata", {}).get("tags", []):
            options["check"] = False
