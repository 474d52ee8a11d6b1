"""Command line: `python -m ganlab demo | data | train | sample | export | features | evaluate`."""

from __future__ import annotations

import argparse
import csv
import dataclasses
import json
import sys
import time
from pathlib import Path

from PIL import Image

from ganlab import course, data, plots
from ganlab.tooling import checks

CHECKPOINT_HELP = ("a run folder (its newest checkpoint), a checkpoint (.npz), a .keras file, "
                   "or a shipped generator's folder (data/generator)")


def main(argv: list[str] | None = None) -> int:
    course.import_tensorflow_quietly()  # before any command: TensorFlow's C++ start-up lines
    parser = argparse.ArgumentParser(prog="python -m ganlab",
                                     description="Tools of the ganlab GAN course.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _add_data_command(commands)
    _add_features_command(commands)
    _add_evaluate_command(commands)
    _add_train_command(commands)
    _add_sample_command(commands)
    _add_export_command(commands)
    _add_demo_command(commands)
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        argv = _expand_config(argv, commands.choices["train"])
    except (ValueError, OSError) as error:
        parser.exit(2, f"python -m ganlab train: error: {error}\n")
    args = parser.parse_args(argv)
    args.argv = argv  # what --local-workers starts again in each worker
    try:
        return args.run(args)
    except (ValueError, OSError) as error:  # what argparse cannot see: weights, paths
        parser.exit(2, f"python -m ganlab {args.command}: error: {error}\n")


def _add_data_command(commands) -> None:
    command = commands.add_parser(
        "data", help="render the avatar dataset into the cache and write a preview grid",
        description="Render avatars (or reload them from the cache), write a preview grid "
                    "PNG, and optionally export the images as PNG files with attributes.csv.")
    command.add_argument("--n", type=_positive, default=10_000, help="number of avatars (default 10000)")
    command.add_argument("--size", type=int, default=64, choices=checks.SUPPORTED_SIZES,
                         help="image side in pixels (default 64)")
    command.add_argument("--seed", type=_non_negative, default=0, help="random seed (default 0)")
    command.add_argument("--workers", type=_positive, default=None,
                         help="rendering processes (default: one per CPU core)")
    command.add_argument("--cache-dir", type=Path, default=None,
                         help=f"cache folder (default {_shown(data.default_cache_dir())})")
    command.add_argument("--preview", type=Path, default=Path("runs/data/preview.png"),
                         help="where to write the preview grid PNG (default runs/data/preview.png)")
    command.add_argument("--weights", type=_json_object, default=None, metavar="JSON",
                         help="attribute mix, e.g. '{\"skin_tone\": {\"pale\": 9, \"black\": 1}}' "
                              "(see data/README.md)")
    command.add_argument("--export", type=Path, default=None, metavar="FOLDER",
                         help="also write every avatar as FOLDER/images/*.png plus "
                              "FOLDER/attributes.csv (FOLDER must be new or empty)")
    command.set_defaults(run=_run_data)


def _run_data(args) -> int:
    _check_outputs(args.preview, args.export)  # before minutes of rendering, not after
    started = time.perf_counter()
    avatars = data.load_avatars(args.n, args.size, args.seed, args.weights,
                                cache_dir=args.cache_dir, workers=args.workers, progress=True)
    seconds = time.perf_counter() - started
    preview = plots.save_image_grid(avatars.images[:64], args.preview, columns=8,
                                    scale=2 if args.size == 32 else 1)
    cache = data.cache_path(args.n, args.size, args.seed, avatars.probabilities, args.cache_dir)
    print(f"{len(avatars)} avatars, {args.size}x{args.size}, seed {args.seed}: ready in {seconds:.1f} s")
    print(f"cache:   {_shown(cache)}")
    print(f"preview: {_shown(preview)}")
    if args.export is not None:
        print(f"export:  {_shown(export_folder(avatars, args.export))}")
    return 0


def _check_outputs(preview: Path, export: Path | None) -> None:
    if preview.suffix.lower() != ".png" or preview.is_dir():
        raise ValueError(f"--preview {str(preview)!r} must be a .png file name.")
    if export is not None and export.exists():
        if not export.is_dir():
            raise ValueError(f"--export {str(export)!r} is a file; give a new or empty folder.")
        if any(export.iterdir()):
            raise ValueError(f"--export folder {str(export)!r} is not empty; give a new or empty "
                             "folder, so old and new files are not mixed.")


def _add_features_command(commands) -> None:
    command = commands.add_parser(
        "features", help="train the avatar feature network behind Avatar-FID",
        description="Train the attribute classifier whose features define Avatar-FID and "
                    "write its weights and model card to data/feature_network/.")
    command.add_argument("--train", action="store_true", required=True,
                         help="train (about 15 minutes on 2 cores) and overwrite the shipped weights")
    command.add_argument("--n-train", type=_positive, default=16_000, help="training avatars (default 16000)")
    command.add_argument("--n-test", type=_positive, default=2_000, help="held-out avatars (default 2000)")
    command.add_argument("--seed", type=_non_negative, default=1,
                         help="training seed; the held-out set uses seed + 1 (default 1)")
    command.add_argument("--epochs", type=_positive, default=14, help="epochs (default 14)")
    command.set_defaults(run=_run_features)


def _run_features(args) -> int:
    from ganlab import features

    card = features.train_feature_network(args.n_train, args.n_test, args.seed, args.epochs)
    print(json.dumps(card, indent=2))
    return 0


def _add_evaluate_command(commands) -> None:
    command = commands.add_parser(
        "evaluate", help="measure generated images against the avatar data (Avatar-FID, KID, ...)",
        description="Print Avatar-FID, KID, precision, recall, density, coverage and attribute "
                    "coverage of generated images against real avatars. Avatar-FID uses the course's own feature "
                    "network: it is not comparable with Inception-FID from papers.")
    source = command.add_mutually_exclusive_group(required=True)
    source.add_argument("--checkpoint", type=Path, help=CHECKPOINT_HELP)
    source.add_argument("--images", type=Path, help="a folder of generated images")
    source.add_argument("--reference", action="store_true",
                        help="the trust table: real vs real, blurred, noisy and collapsed images")
    command.add_argument("--n", type=_positive, default=2000, help="images per side (default 2000)")
    command.add_argument("--size", type=int, default=64, choices=checks.SUPPORTED_SIZES)
    command.add_argument("--seed", type=_non_negative, default=100,
                         help="seed of the real avatars and of the latent vectors (default 100)")
    command.add_argument("--json", type=Path, default=None, help="also write the results here")
    command.set_defaults(run=_run_evaluate)


def _run_evaluate(args) -> int:
    from ganlab import features, metrics

    if args.checkpoint is not None and not args.checkpoint.exists():
        raise FileNotFoundError(f"checkpoint {str(args.checkpoint)!r} does not exist.")
    network = features.load_feature_network()  # fail early if the weights are missing
    real = data.load_avatars(args.n, args.size, args.seed, progress=True).images
    if args.reference:
        other = data.load_avatars(2 * args.n, args.size, args.seed, progress=True).images[args.n:]
        table = metrics.trust_table(network, real, other)
        print(table.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
        results = table.to_dict(orient="records")
    else:
        generated = (data.load_image_folder(args.images, args.size).images if args.images is not None
                     else _sample_checkpoint(args.checkpoint, args.n, args.seed))
        results = metrics.evaluate(network, real, generated, progress=True)
        attributes = results.pop("attributes")
        for name, value in results.items():
            print(f"{name:18} {value:10.4f}")
        print("\n" + attributes.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
        results["attributes"] = attributes.to_dict(orient="records")
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
        print(f"\nwritten: {_shown(args.json)}")
    return 0


def _sample_checkpoint(path: Path, n: int, seed: int):
    """n images from a run checkpoint (.npz), a saved generator (.keras) or a shipped
    folder; a conditional generator is asked for every class equally often."""
    from ganlab import recipes

    generator = recipes.load_generator(path)
    return recipes.generate(generator, n, seed, labels=recipes.balanced_labels(generator, n))


def _add_train_command(commands) -> None:
    from ganlab import recipes
    from ganlab.tooling import distribute, precision

    command = commands.add_parser(
        "train", help="train a GAN on the avatars (resumable)",
        description="Train a GAN recipe on rendered avatars, or on a folder of your own images "
                    "(--images). Everything goes into --run-dir: checkpoints, sample grids, "
                    "losses.csv/png, and metrics.json with --evaluate.")
    command.add_argument("--run-dir", type=Path, required=True, help="the run folder")
    command.add_argument("--resume", action="store_true",
                         help="continue the run in --run-dir from its last checkpoint, with its settings")
    command.add_argument("--recipe", default=recipes.DEFAULT_RECIPE, choices=sorted(recipes.RECIPES))
    command.add_argument("--size", type=int, default=64, choices=checks.SUPPORTED_SIZES)
    command.add_argument("--width", type=_positive, default=32, help="DCGAN width (default 32)")
    command.add_argument("--steps", type=_positive, default=None, help="generator steps to reach")
    command.add_argument("--minutes", type=float, default=None, help="stop after this wall time")
    command.add_argument("--batch-size", type=_positive, default=64)
    command.add_argument("--n-images", type=_positive, default=10_000, help="avatars to train on")
    command.add_argument("--images", type=Path, default=None, metavar="FOLDER",
                         help="train on every image in FOLDER (PNG, JPEG, WebP, GIF; subfolders too; "
                              "unreadable files are skipped and named) instead of rendered avatars")
    command.add_argument("--conditions", type=_names, default=None, metavar="NAMES",
                         help="a conditional GAN: the attributes it is told, e.g. "
                              "skin_tone,hair_color,accessory (then sample with --label)")
    command.add_argument("--seed", type=_non_negative, default=0, help="data and noise seed")
    command.add_argument("--precision", default="auto", choices=precision.PRECISIONS)
    command.add_argument("--augment", default=None, metavar="POLICY",
                         help="DiffAugment for the discriminator, e.g. color,translation,cutout (default none)")
    command.add_argument("--checkpoint-every", type=_positive, default=200)
    command.add_argument("--sample-every", type=_positive, default=200)
    command.add_argument("--evaluate", action="store_true",
                         help="measure 2,000 samples at the end and write metrics.json")
    command.add_argument("--strategy", default="none", choices=distribute.STRATEGIES,
                         help="tf.distribute: none (one device), mirrored (every local GPU), multiworker "
                              "(one process per machine, each told the cluster by TF_CONFIG)")
    command.add_argument("--local-workers", type=_positive, default=None, metavar="N",
                         help="try a multi-worker run on this machine: start N worker processes "
                              "(--strategy multiworker, TF_CONFIG set for each; workers 1.. log to "
                              "RUN_DIR/workers/)")
    command.add_argument("--config", type=Path, default=None, metavar="FILE",
                         help="read options from a YAML or JSON file, e.g. 'recipe: hinge_sn' and "
                              "'minutes: 10' on separate lines; options given on the command line win")
    command.set_defaults(run=_run_train)


def _expand_config(argv: list[str], train_parser) -> list[str]:
    """`train --config FILE ...` -> `train <options from FILE> ...`, so that argparse checks
    the file's values like typed ones and later (command-line) options override them."""
    if not argv or argv[0] != "train" or not any(a == "--config" or a.startswith("--config=") for a in argv):
        return argv
    rest, path = [], None
    arguments = iter(argv[1:])
    for argument in arguments:
        if argument == "--config":
            path = next(arguments, None)
        elif argument.startswith("--config="):
            path = argument.split("=", 1)[1]
        else:
            rest.append(argument)
    if not path:
        raise ValueError("--config needs a file name.")
    import yaml  # JSON is YAML too

    text = Path(path).read_text(encoding="utf-8")
    try:
        options = yaml.safe_load(text) or {}
    except yaml.YAMLError as error:
        raise ValueError(f"{path} is not valid YAML or JSON: {error}") from None
    if not isinstance(options, dict):
        raise ValueError(f"{path} must hold 'option: value' pairs, e.g. 'recipe: hinge_sn'.")
    flags = {action.dest: action for action in train_parser._actions if action.option_strings}
    expanded = []
    for key, value in options.items():
        dest = str(key).replace("-", "_")
        if dest not in flags or dest in ("config", "help"):
            known = ", ".join(sorted(name for name in flags if name not in ("config", "help")))
            raise ValueError(f"{path}: unknown option {key!r}; the options are: {known}.")
        flag = flags[dest].option_strings[0]
        if flags[dest].nargs == 0:  # a switch such as resume or evaluate
            if not isinstance(value, bool):
                raise ValueError(f"{path}: {key} must be true or false; got {value!r}.")
            expanded += [flag] if value else []
        elif isinstance(value, list):  # conditions: [skin_tone, accessory]
            expanded += [flag, ",".join(map(str, value))]
        else:
            expanded += [flag, str(value)]
    return [argv[0], *expanded, *rest]


def _run_train(args) -> int:
    from ganlab import recipes, training
    from ganlab.tooling import checkpoints, distribute, precision

    if args.local_workers is not None:
        return _start_local_workers(args)
    latest = checkpoints.latest_checkpoint(args.run_dir)
    if latest is not None and not args.resume:
        raise ValueError(f"{_shown(args.run_dir)} already holds a run (last checkpoint "
                         f"{latest.name}): pass --resume to continue it, or choose a new --run-dir.")
    if args.resume and latest is None:
        raise FileNotFoundError(f"--resume: no checkpoint in {_shown(args.run_dir)} to continue from.")
    if args.steps is None and args.minutes is None:
        raise ValueError("give --steps, --minutes, or both.")
    if args.minutes is not None and args.minutes <= 0:
        raise ValueError(f"--minutes must be more than 0; got {args.minutes}.")
    if args.resume:
        config = recipes.RunConfig.from_dict(checkpoints.read_meta(latest)["config"])
        print(f"resuming {_shown(args.run_dir)} from {latest.name} with its settings: {config.to_dict()}")
        if config.images is not None and not Path(config.images).is_dir():
            raise FileNotFoundError(f"this run trains on the images in {config.images}, which is no longer "
                                    "there: put the folder back to resume, or start a new run.")
        images, labels = recipes.training_data(config)
        if config.images is not None and len(images) != config.n_images:
            print(f"note: {config.images} now holds {len(images)} usable images; the run began with "
                  f"{config.n_images}. Training goes on with all {len(images)}.")
    else:
        conditions = recipes.condition_sizes(args.conditions) if args.conditions is not None else None
        folder = str(args.images.resolve()) if args.images is not None else None
        if folder is not None and conditions:
            raise ValueError("--conditions needs the avatars' labels, and a folder of images has none: "
                             "leave out --conditions or --images.")
        config = recipes.run_settings(args.recipe, args.size, args.width, augment=args.augment,
                                      conditions=conditions, batch_size=args.batch_size, n_images=args.n_images,
                                      seed=args.seed, precision=precision.choose_precision(args.precision),
                                      images=folder)
        images, labels = recipes.training_data(config)
        if folder is not None:  # the count the run began with, for the record (--n-images is for avatars)
            config = dataclasses.replace(config, n_images=len(images))
            print(f"training on {len(images)} images from {_shown(args.images)}")
    print(precision.device_line(precision.choose_precision(config.precision or "auto")))
    strategy = distribute.make_strategy(args.strategy)
    if args.strategy != "none":
        print(distribute.describe(strategy))
    with strategy.scope():
        gan = recipes.build_gan(config)
    step = training.train(gan, images, labels, steps=args.steps, batch_size=config.batch_size,
                          run_dir=args.run_dir, seed=config.seed, config=config,
                          checkpoint_every=args.checkpoint_every, sample_every=args.sample_every,
                          max_seconds=None if args.minutes is None else args.minutes * 60, strategy=strategy)
    if not distribute.is_chief(strategy):  # the chief reports and measures the run
        return 0
    print(f"step {step}; samples: {_shown(args.run_dir / 'samples' / 'latest.png')}, "
          f"losses: {_shown(args.run_dir / 'losses.png')}")
    if args.evaluate:
        _evaluate_run(gan, config, args.run_dir)
    return 0


def _start_local_workers(args) -> int:
    """`train --local-workers N ...`: the same command as N multi-worker processes here."""
    import os

    from ganlab.tooling import distribute

    if os.environ.get("TF_CONFIG"):
        raise ValueError("--local-workers starts the workers itself, and TF_CONFIG is already set: "
                         "unset TF_CONFIG, or leave out --local-workers to be one worker of that cluster.")
    if args.local_workers < 2:
        raise ValueError(f"--local-workers needs 2 or more; got {args.local_workers}.")
    if args.strategy not in ("none", "multiworker"):
        raise ValueError(f"--local-workers runs --strategy multiworker, not {args.strategy}.")
    rest, skip = [], False
    for argument in args.argv:  # the command again, without --local-workers and --strategy
        if skip:
            skip = False
        elif argument in ("--local-workers", "--strategy"):
            skip = True
        elif not argument.startswith(("--local-workers=", "--strategy=")):
            rest.append(argument)
    logs = args.run_dir / "workers"
    print(f"starting {args.local_workers} workers on this machine (worker 0 prints here, the others "
          f"write {_shown(logs)}/)", flush=True)
    workers = distribute.start_local_workers([sys.executable, "-m", "ganlab", *rest, "--strategy", "multiworker"],
                                             args.local_workers, log_folder=logs)
    code = distribute.wait_for_workers(workers)
    if code:
        print(f"a worker stopped with exit code {code}, and the others were stopped: see "
              f"{_shown(logs)}/. Continue the run with --resume.", file=sys.stderr)
    return code


def _evaluate_run(gan, config, run_dir: Path) -> None:
    from ganlab import recipes

    results = recipes.measure(gan, config)
    attributes = results.pop("attributes", None)
    if config.images is not None:
        print(f"measured against the images of {config.images}, through the avatar feature network: "
              "compare these numbers between runs on the same folder only")
    for name, value in results.items():
        print(f"{name:18} {value:10.4f}")
    if attributes is not None:
        results["attributes"] = attributes.to_dict(orient="records")
    (run_dir / "metrics.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


def _add_sample_command(commands) -> None:
    command = commands.add_parser("sample", help="write a grid of images from a checkpoint",
                                  description="Generate images from a run checkpoint (.npz), a saved "
                                              "generator (.keras) or a shipped generator's folder "
                                              "(data/generator) and write them as a grid PNG.")
    command.add_argument("--checkpoint", type=Path, required=True,
                         help=CHECKPOINT_HELP)
    command.add_argument("--n", type=_positive, default=64)
    command.add_argument("--seed", type=_non_negative, default=0, help="latent vector seed")
    command.add_argument("--label", type=_label, action="append", default=[], metavar="ATTRIBUTE=CLASS",
                         help="for a conditional generator: the class every image gets, by name, e.g. "
                              "--label skin_tone=brown --label hair_color=black; labels left out "
                              "are drawn at random for each image")
    command.add_argument("--out", type=Path, default=Path("runs/sample.png"))
    command.set_defaults(run=_run_sample)


def _run_sample(args) -> int:
    from ganlab import recipes

    if args.out.suffix.lower() != ".png":
        raise ValueError(f"--out {str(args.out)!r} must be a .png file name.")
    chosen = dict(args.label)
    if len(chosen) < len(args.label):
        raise ValueError("--label: each attribute may be given once.")
    generator = recipes.load_generator(args.checkpoint)
    labels = recipes.labels_by_name(generator, chosen, args.n, args.seed)
    if labels:
        free = [name for name in labels if name not in chosen]
        print("labels: " + ", ".join([f"{name}={value}" for name, value in chosen.items()]
                                     + [f"{name} drawn at random" for name in free]))
    images = data.to_uint8(recipes.generate(generator, args.n, args.seed, labels=labels or None))
    path = plots.save_image_grid(images, args.out, columns=8, scale=2 if images.shape[1] <= 32 else 1)
    print(f"{args.n} images: {_shown(path)}")
    return 0


def _add_export_command(commands) -> None:
    from ganlab.tooling import export

    command = commands.add_parser(
        "export", help="export a generator as a .keras file, a TensorFlow SavedModel or ONNX",
        description="Write a trained generator in a format other programs load: keras (one .keras "
                    "file), savedmodel (a TensorFlow SavedModel folder) or onnx (one .onnx file, for "
                    "onnxruntime, also in a web browser). The export is loaded back and compared "
                    "with the Keras generator on the same noise; a card (<out>.json) beside it "
                    "lists its inputs, the class names of its labels and the comparison.")
    command.add_argument("--checkpoint", type=Path, required=True,
                         help=CHECKPOINT_HELP)
    command.add_argument("--format", required=True, choices=list(export.FORMATS))
    command.add_argument("--out", type=Path, default=None,
                         help="where to write it (default runs/export/generator.keras, "
                              "runs/export/generator_savedmodel or runs/export/generator.onnx); never overwritten")
    command.set_defaults(run=_run_export)


def _run_export(args) -> int:
    from ganlab.tooling import export

    out = args.out if args.out is not None else export.default_path(args.format)
    card = export.export_generator(args.checkpoint, out, args.format)
    labels = card["labels"]
    print(f"{args.format}: {_shown(out)}")
    print(f"inputs: {', '.join(card['inputs'])}" + (" (class names in the card)" if labels else ""))
    print(f"checked: the same {card['check']['images']} images as the Keras generator, largest difference "
          f"{card['check']['max_abs_difference']:.1e} per pixel (allowed {card['check']['tolerance']:g})")
    print(f"card:   {_shown(export.card_path(out))}")
    return 0


def _add_demo_command(commands) -> None:
    command = commands.add_parser(
        "demo", help="the README's first command: render the avatars, train the default GAN, measure it",
        description="Render the 10,000 course avatars (cached after the first time) with a preview "
                    "grid, train the default recipe for --minutes in FOLDER/run (carrying on when "
                    "it already holds a run), and measure 2,000 samples. `make demo` runs this.")
    command.add_argument("--minutes", type=_positive_number, default=3.0,
                         help="training time (default 3; 10 gives the full run)")
    command.add_argument("--folder", type=Path, default=Path("runs/demo"),
                         help="where the preview and the run go (default runs/demo)")
    command.set_defaults(run=_run_demo)


def _run_demo(args) -> int:
    from ganlab.tooling import checkpoints

    rendered = main(["data", "--n", "10000", "--size", "64", "--seed", "0",
                     "--preview", str(args.folder / "avatars.png")])
    if rendered != 0:
        return rendered
    run = args.folder / "run"
    resume = ["--resume"] if checkpoints.latest_checkpoint(run) is not None else []
    return main(["train", "--run-dir", str(run), "--minutes", f"{args.minutes:g}", "--evaluate", *resume])


def export_folder(avatars: data.AvatarDataset, folder: Path) -> Path:
    """Write images/avatar_00000.png ... and attributes.csv (file, then one column per attribute).

    The images/ folder can be read back with `ganlab.data.load_image_folder`.
    """
    (folder / "images").mkdir(parents=True, exist_ok=True)
    table = avatars.table()
    with open(folder / "attributes.csv", "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file, lineterminator="\n")
        writer.writerow(["file", *table.columns])
        for index, image in enumerate(avatars.images):
            name = f"images/avatar_{index:05d}.png"
            Image.fromarray(image).save(folder / name, optimize=True)
            writer.writerow([name, *table.iloc[index].astype(str)])
    return folder


def _integer(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, got {text!r}") from None


def _positive(text: str) -> int:
    value = _integer(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {value}")
    return value


def _non_negative(text: str) -> int:
    value = _integer(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be zero or more, got {value}")
    return value


def _positive_number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number, got {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be more than 0, got {text}")
    return value


def _names(text: str) -> list[str]:
    names = [name.strip() for name in text.split(",") if name.strip()]
    if not names:
        raise argparse.ArgumentTypeError(f"must name attributes, e.g. skin_tone,accessory; got {text!r}")
    return names


def _label(text: str) -> tuple[str, str]:
    name, equals, value = text.partition("=")
    if not equals or not name.strip() or not value.strip():
        raise argparse.ArgumentTypeError(f"must be ATTRIBUTE=CLASS, e.g. skin_tone=brown; got {text!r}")
    return name.strip(), value.strip()


def _json_object(text: str) -> dict:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        raise argparse.ArgumentTypeError(f"not valid JSON ({error.msg}): {text!r}") from None
    if not isinstance(value, dict):
        raise argparse.ArgumentTypeError(f"must be a JSON object such as "
                                         f"'{{\"skin_tone\": {{\"pale\": 9}}}}', got {text!r}")
    return value


def _shown(path: Path) -> str:
    """A path relative to the working directory when it is inside it (shorter to read)."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


if __name__ == "__main__":
    sys.exit(main())
