""""Taught in NN_name.ipynb" is true: checked against the chapters' code.

- Every such claim, in a module's or a public function's or class's docstring, names
  chapters whose code uses it (the module imported; the function or class called).
- Every public function or class that a chapter's code uses says where it is taught.
- A public function or class of a module the chapters teach that no chapter uses is in
  NOT_TAUGHT below, with where it is used instead; the list cannot go stale (each entry
  must exist and be unused).
"""

import ast
import json
import re
from pathlib import Path

import pytest

import conftest

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = {path.stem[:2]: path.stem for path in conftest.CHAPTERS}
# The first tier of the package docstring: the modules whose ideas the chapters teach.
TEACHING = ("anatomy", "augment", "avatars", "course", "data", "detection", "exercises", "features",
            "folder", "latent", "loss_math", "losses", "metrics", "models", "plots", "recipes", "toy",
            "training", "vae", "widgets")
NOT_TAUGHT = {
    "anatomy.live_taps": "layer_table's live_taps column (chapter 03)",
    "augment.parse_policy": "GAN(augment=...) and the CLI read policies with it",
    "avatars.avatar_svg": "render_avatar draws from it",
    "avatars.default_weights": "load_avatars' default mix",
    "avatars.normalize_weights": "load_avatars and exercise 00.2 check weights with it",
    "avatars.sample_labels": "load_avatars draws labels with it",
    "avatars.visible": "AvatarDataset.visible and the feature network's training",
    "course.import_tensorflow_quietly": "course.setup and the command line (ganlab.tooling.cli) call it",
    "data.AvatarDataset": "what load_avatars returns (its methods are taught in 00)",
    "data.cache_path": "load_avatars' cache",
    "data.default_cache_dir": "load_avatars' cache",
    "data.render_avatars": "load_avatars renders with it",
    "detection.ring_index": "radial_profile uses it",
    "exercises.registry.exercise": "each chapter file registers its checkers with it",
    "exercises.registry.whole_number": "the checkers of counting exercises",
    "features.build_feature_network": "load_feature_network and train_feature_network build it",
    "features.model_card": "train_feature_network writes data/feature_network/README.md with it",
    "features.to_network_input": "extract_features and predict_attributes prepare images with it",
    "features.train_feature_network": "`python -m ganlab features --train`",
    "folder.ImageFolder": "what load_image_folder returns",
    "losses.gradient_penalty": "GAN's step (gp_weight), the wgan_gp recipe of 06",
    "losses.hinge_discriminator_loss": "GAN(loss='hinge'), the hinge_sn recipe of 06",
    "losses.hinge_generator_loss": "GAN(loss='hinge'), the hinge_sn recipe of 06",
    "losses.least_squares_discriminator_loss": "GAN(loss='least_squares')",
    "losses.least_squares_generator_loss": "GAN(loss='least_squares')",
    "losses.loss_pair": "GAN reads its loss name with it",
    "losses.minimax_generator_loss": "GAN(loss='minimax') and the toy of chapter 01",
    "losses.r1_penalty": "GAN's step (r1_weight), the default recipe ns_r1_fast",
    "losses.wasserstein_discriminator_loss": "GAN(loss='wasserstein'), the wgan_gp recipe of 06",
    "losses.wasserstein_generator_loss": "GAN(loss='wasserstein'), the wgan_gp recipe of 06",
    "models.has_batch_norm": "GAN refuses penalties with a batch-normalised discriminator",
    "models.halvings": "the DCGAN pair and the VAE encoder",
    "plots.save_animation": "the SampleGrid callback's training.gif",
    "plots.save_image_grid": "the CLI and the callbacks write grids with it",
    "plots.save_loss_curves": "the LossHistory callback's losses.png",
    "recipes.Recipe": "the type of RECIPES' values",
    "recipes.RunConfig": "what run_settings returns; stored in checkpoints",
    "recipes.rebuilt_generator": "measure; benchmarks/experiments.py",
    "recipes.generator_card": "the shipped generator's README",
    "recipes.load_generator": "`python -m ganlab sample` and `evaluate`",
    "recipes.ship_generator": "benchmarks/experiments.py ships generators with it",
    "recipes.balanced_labels": "measure and `python -m ganlab evaluate` ask for every class with it",
    "recipes.condition_sizes": "`python -m ganlab train --conditions`",
    "recipes.conditions_of": "labels_by_name and balanced_labels",
    "recipes.labels_by_name": "`python -m ganlab sample --label`",
    "recipes.training_data": "`python -m ganlab train` (avatars or --images)",
    "toy.ToySnapshot": "what ToyGAN.snapshot returns to the widget of chapter 01",
    "training.DivergenceGuard": "training.train stops a diverged run with it",
    "training.TrainingDiverged": "what DivergenceGuard raises",
    "training.update_weights": "GAN.train_step, printed in chapter 04",
    "vae.VAE": "load_shipped_vae builds it (chapter 08 uses the loaded model)",
    "vae.kl_to_prior": "VAE's loss; exercise 08.1 has the learner write it",
    "vae.ship_vae": "benchmarks/experiments.py ships the VAE with it",
    "vae.vae_encoder": "load_shipped_vae builds it",
}


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT / "ganlab").with_suffix("").parts).removesuffix(".__init__")


MODULES = {module_name(path): path for path in sorted((ROOT / "ganlab").rglob("*.py"))}


def chapter_code(number: str) -> str:
    cells = json.loads((ROOT / "notebooks" / f"{CHAPTERS[number]}.ipynb").read_text())["cells"]
    return "\n".join("".join(cell["source"]) for cell in cells if cell["cell_type"] == "code")


CODE = {number: chapter_code(number) for number in CHAPTERS}


def reexports() -> dict[str, str]:
    """'module.name' -> the module that defines it, for names a module imports to offer them."""
    found = {}
    for importer, path in MODULES.items():
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("ganlab."):
                for alias in node.names:
                    found[f"{importer}.{alias.asname or alias.name}"] = node.module.removeprefix("ganlab.")
    return found


REEXPORTS = reexports()


def module_aliases(code: str, module: str) -> set[str]:
    """The names under which a chapter's code refers to `module` (`layers as ganlab_layers`)."""
    aliases = set()
    for package, line in re.findall(r"from ganlab(\.tooling)? import ([^\n]+)", code):
        for part in line.replace("(", "").replace(")", "").split(","):
            name, _, alias = part.strip().partition(" as ")
            if f"{package[1:]}.{name}".lstrip(".") == module or (not package and name == module):
                aliases.add(alias or name)
    return aliases


def uses(number: str, module: str, name: str | None = None) -> bool:
    """Chapter `number`'s code imports `module` (name None) or uses its `name`, also where
    another module re-exports it (data.load_image_folder is folder's)."""
    code = CODE[number]
    owners = [module] + [offer.rsplit(".", 1)[0] for offer, origin in REEXPORTS.items()
                         if origin == module and name and offer.endswith(f".{name}")]
    for owner in owners:
        if name is None:
            if module_aliases(code, owner) or re.search(rf"from ganlab\.{re.escape(owner)} import", code):
                return True
            continue
        if any(re.search(rf"\b{alias}\.{name}\b", code) for alias in module_aliases(code, owner)):
            return True
        if re.search(rf"from ganlab\.{re.escape(owner)} import [^\n]*\b{name}\b", code):
            return True
    return False


def claims(docstring: str | None) -> list[str]:
    """The chapter numbers named in the paragraph that starts "Taught in"."""
    if not docstring or "Taught in" not in docstring:
        return []
    paragraph = docstring.split("Taught in", 1)[1].split("\n\n", 1)[0]
    return re.findall(r"\b(\d\d)_[a-z]", paragraph)


def public_definitions():
    """(module, name, docstring) for every public top-level function and class."""
    for module, path in MODULES.items():
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and not node.name.startswith("_"):
                yield module, node.name, ast.get_docstring(node)


DEFINITIONS = list(public_definitions())


def test_the_chapters_are_found_and_the_use_check_sees_aliases_and_reexports():
    assert len(CHAPTERS) == 9
    assert uses("04", "training", "GAN") and not uses("00", "training", "GAN")
    assert uses("04", "tooling.precision", "choose_precision")
    assert uses("02", "exercises.registry", "check")  # as exercises.check
    assert claims("Sum.\n\nTaught in 02_loss_math.ipynb (variants: 06_challenges).\n\nMore 05_x.") == ["02", "06"]


@pytest.mark.parametrize("module", sorted(MODULES))
def test_a_modules_taught_in_names_chapters_that_import_it(module):
    docstring = ast.get_docstring(ast.parse(MODULES[module].read_text()))
    names = [name for owner, name, _ in DEFINITIONS if owner == module]
    wrong = [number for number in claims(docstring)
             if not uses(number, module) and not any(uses(number, module, name) for name in names)]
    assert wrong == [], f"ganlab.{module} says it is taught in chapters {wrong}, which do not import it"


def test_every_taught_in_of_a_function_or_class_is_true():
    wrong = [f"{module}.{name}: {number}" for module, name, docstring in DEFINITIONS
             for number in claims(docstring) if not uses(number, module, name)]
    assert wrong == []


def test_what_a_chapter_uses_says_where_it_is_taught():
    missing = [f"{module}.{name} (used in {', '.join(used)})" for module, name, docstring in DEFINITIONS
               if (used := [n for n in CHAPTERS if uses(n, module, name)]) and not claims(docstring)]
    assert missing == []


def test_what_no_chapter_uses_in_a_taught_module_is_listed_with_its_use():
    unused = {f"{module}.{name}" for module, name, _ in DEFINITIONS
              if module.split(".")[0] in TEACHING and not any(uses(n, module, name) for n in CHAPTERS)}
    assert sorted(unused - set(NOT_TAUGHT)) == []
    assert sorted(set(NOT_TAUGHT) - unused) == []  # taught since, renamed or removed: update the list
