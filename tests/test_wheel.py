"""The course outside its repository: the package built as a wheel, one chapter and the
wheel copied to an empty folder, and the chapter run there with papermill in a fresh
virtual environment without the course. The chapter's first cell must install the
wheel, and the chapter must then find the shipped networks and the recorded experiments
through the installed package, not through a checkout's data/ folder."""

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _build_wheel(tmp_path: Path) -> Path:
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet",
                    "--wheel-dir", str(wheels), str(ROOT)], check=True, timeout=300)
    return next(wheels.glob("ganlab-*.whl"))


def _fresh_environment_without_the_course(tmp_path: Path) -> Path:
    environment = tmp_path / "environment"
    venv.create(environment, with_pip=False)
    python = environment / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    site = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    # TensorFlow, pip and the rest come from the test's environment (2.5 GB not installed
    # twice); a .pth line puts them after the fresh site-packages. The test environment's
    # own .pth files (its editable ganlab) are not read from there, so ganlab is missing.
    (Path(site) / "course_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return python


def test_a_chapter_runs_from_a_wheel_outside_the_repository(tmp_path):
    wheel = _build_wheel(tmp_path)
    python = _fresh_environment_without_the_course(tmp_path)
    environment = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    environment["GANLAB_CACHE"] = str(ROOT / "data" / "cache")  # rendered avatars: reused, not shipped
    # pip may install only what is here: the wheel, its dependencies already present
    environment.update(PIP_NO_INDEX="1", PIP_DISABLE_PIP_VERSION_CHECK="1")
    environment.pop("GANLAB_SOURCE", None)
    missing = subprocess.run([python, "-c", "import importlib.util; print(importlib.util.find_spec('ganlab'))"],
                             capture_output=True, text=True, check=True, env=environment, cwd=tmp_path)
    assert missing.stdout.strip() == "None"

    kernel = subprocess.run([python, "-c", "from jupyter_client.kernelspec import KernelSpecManager; "
                             "print(KernelSpecManager().get_kernel_spec('python3').argv[0])"],
                            capture_output=True, text=True, check=True, env=environment).stdout.strip()
    assert Path(kernel).parent == python.parent, kernel  # the chapter's kernel is the fresh environment's

    elsewhere = tmp_path / "my_notebooks"
    elsewhere.mkdir()
    shutil.copy(ROOT / "notebooks" / "06_challenges.ipynb", elsewhere)
    shutil.copy(wheel, elsewhere)  # as a learner uploads it to a hosted notebook: the first cell installs it
    results = elsewhere / "results.json"
    subprocess.run([python, "-m", "papermill", "06_challenges.ipynb", "06_challenges.out.ipynb",
                    "-p", "toy_steps", "100", "-p", "check_every", "50", "-p", "seed", "1",
                    "-p", "results_path", str(results), "--kernel", "python3", "--no-progress-bar"],
                   check=True, env=environment, cwd=elsewhere, timeout=900)
    recorded = json.loads(results.read_text())
    assert set(recorded["ablation_fid"]) == {"tutorial", "ns", "ns_ema", "ns_r1", "hinge_sn", "wgan_gp"}
    assert recorded["width_fid"]["64"] < recorded["width_fid"]["16"]  # read from the installed records

    where = subprocess.run([python, "-c", "import ganlab; from ganlab.tooling import shipped; "
                            "print(ganlab.__file__); print(shipped.DATA)"],
                           capture_output=True, text=True, check=True, env=environment, cwd=tmp_path).stdout.split()
    assert Path(where[0]).is_relative_to(tmp_path / "environment"), where
    assert Path(where[1]).name == "course_data" and (Path(where[1]) / "generator" / "card.json").is_file(), where
