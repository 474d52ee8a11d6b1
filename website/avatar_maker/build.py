"""Build the avatar maker: a static page that makes avatars in the browser.

    .venv/bin/python website/avatar_maker/build.py          # or: make maker
    python3 -m http.server -d website/avatar_maker/_build   # then open http://127.0.0.1:8000

It writes website/avatar_maker/_build/ (or the folder given): the page (index.html,
maker.js, maker.css), vendor/ (onnxruntime-web's files, from the npm package pinned in
package.json and package-lock.json: `npm ci` fetches it into node_modules/ the first
time, from the npm registry; nothing is fetched when the page runs), and models/ (the
shipped conditional and unconditional generators, exported to ONNX by
`ganlab.tooling.export`, each checked against Keras and with its card).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
PAGE = ("index.html", "maker.js", "maker.css")
# onnxruntime-web's plain WebAssembly build: the script, its loader and the binary
VENDOR = ("ort.wasm.min.js", "ort-wasm-simd-threaded.mjs", "ort-wasm-simd-threaded.wasm")
MODELS = (  # the page's menu, first entry shown first
    {"name": "conditional", "source": "conditional_generator", "title": "Choose what it draws",
     "note": "The conditional generator of chapter 07: the menus set its skin tone, hair colour and "
             "accessory. Softer than the other (Avatar-FID 53)."},
    {"name": "generator", "source": "generator", "title": "Best pictures",
     "note": "The course's default generator, 10 minutes of training on a 2-core CPU (Avatar-FID 18.9); "
             "it takes no labels."},
)


def build(out: Path | str = HERE / "_build", quiet: bool = False) -> Path:
    """Build the page into `out` (emptied first) and return its index.html."""
    from ganlab import course

    course.import_tensorflow_quietly()  # before TensorFlow's C++ start-up lines
    from ganlab.tooling import export, shipped

    out = Path(out)
    package = _npm_package(quiet)
    if out.exists():
        shutil.rmtree(out)
    (out / "vendor").mkdir(parents=True)
    for name in PAGE:
        shutil.copy2(HERE / name, out / name)
    for name in VENDOR:
        shutil.copy2(package / "dist" / name, out / "vendor" / name)
    listed = []
    for model in MODELS:
        path = out / "models" / f"{model['name']}.onnx"
        card = export.export_generator(shipped.DATA / model["source"], path, "onnx")
        listed.append({"name": model["name"], "title": model["title"], "note": model["note"],
                       "file": f"models/{path.name}", "card": f"models/{export.card_path(path).name}",
                       "labels": list(card["labels"])})
        if not quiet:
            print(f"exported {model['source']}: largest difference from Keras "
                  f"{card['check']['max_abs_difference']:.1e} per pixel")
    (out / "models" / "models.json").write_text(json.dumps(listed, indent=2) + "\n", encoding="utf-8")
    if not quiet:
        print(f"avatar maker: {out / 'index.html'}")
    return out / "index.html"


def _npm_package(quiet: bool) -> Path:
    """node_modules/onnxruntime-web at the version package.json pins (npm ci if it is missing)."""
    wanted = json.loads((HERE / "package.json").read_text())["dependencies"]["onnxruntime-web"]
    package = HERE / "node_modules" / "onnxruntime-web"
    if not (package / "package.json").is_file() or json.loads((package / "package.json").read_text())["version"] != wanted:
        npm = shutil.which("npm")
        if npm is None:
            raise RuntimeError("the avatar maker needs npm once, to fetch onnxruntime-web from the npm registry: "
                               "install Node.js (Debian: sudo apt-get install nodejs npm), then build again.")
        if not quiet:
            print(f"npm ci: onnxruntime-web {wanted} into {HERE / 'node_modules'}")
        subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts", "--prefer-offline"],
                       cwd=HERE, check=True, stdout=subprocess.DEVNULL if quiet else None)
    return package


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parents[1]))  # run from a clone without installing
    build(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "_build")
