"""The course outside its repository: the package built as a wheel, installed into a
fresh virtual environment, and one chapter copied to an empty folder and run there with
papermill. The chapter must find the shipped networks and the recorded experiments
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


def _install_wheel_into_fresh_environment(tmp_path: Path) -> Path:
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet",
                    "--wheel-dir", str(wheels), str(ROOT)], check=True, timeout=300)
    wheel = next(wheels.glob("ganlab-*.whl"))
    environment = tmp_path / "environment"
    venv.create(environment, with_pip=False)
    python = environment / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    site = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "--quiet",
                    "--target", site, str(wheel)], check=True, timeout=300)
    # TensorFlow and the rest come from the test's environment (2.5 GB not installed twice);
    # a .pth line puts them after the fresh site-packages, so `ganlab` is the wheel's.
    (Path(site) / "course_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return python


def test_a_chapter_runs_from_a_wheel_outside_the_repository(tmp_path):
    python = _install_wheel_into_fresh_environment(tmp_path)
    environment = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    environment["GANLAB_CACHE"] = str(ROOT / "data" / "cache")  # rendered avatars: reused, not shipped
    where = subprocess.run([python, "-c", "import ganlab; from ganlab.tooling import shipped; "
                            "print(ganlab.__file__); print(shipped.DATA)"],
                           capture_output=True, text=True, check=True, env=environment, cwd=tmp_path).stdout.split()
    assert Path(where[0]).is_relative_to(tmp_path / "environment"), where
    assert Path(where[1]).name == "course_data" and (Path(where[1]) / "generator" / "card.json").is_file(), where

    kernel = subprocess.run([python, "-c", "from jupyter_client.kernelspec import KernelSpecManager; "
                             "print(KernelSpecManager().get_kernel_spec('python3').argv[0])"],
                            capture_output=True, text=True, check=True, env=environment).stdout.strip()
    assert Path(kernel).parent == python.parent, kernel  # the chapter's kernel is the fresh environment's

    elsewhere = tmp_path / "my_notebooks"
    elsewhere.mkdir()
    shutil.copy(ROOT / "notebooks" / "06_challenges.ipynb", elsewhere)
    results = elsewhere / "results.json"
    subprocess.run([python, "-m", "papermill", "06_challenges.ipynb", "06_challenges.out.ipynb",
                    "-p", "toy_steps", "100", "-p", "check_every", "50", "-p", "seed", "1",
                    "-p", "results_path", str(results), "--kernel", "python3", "--no-progress-bar"],
                   check=True, env=environment, cwd=elsewhere, timeout=900)
    recorded = json.loads(results.read_text())
    assert set(recorded["ablation_fid"]) == {"tutorial", "ns", "ns_ema", "ns_r1", "hinge_sn", "wgan_gp"}
    assert recorded["width_fid"]["64"] < recorded["width_fid"]["16"]  # read from the installed records
