"""ganlab: the helper package of a notebook-first course on generative adversarial networks.

What the chapters teach, one module per idea:
  data         the avatar data set (rendered, cached), image <-> [-1, 1]; `folder` reads your own images
  avatars      the avatar artwork and its attributes
  models       the networks: the article's dense generator and conv discriminator, the DCGAN pair
  losses       the GAN losses in generator/discriminator pairs, R1 and the gradient penalty
  training     `GAN`, a keras.Model whose `train_step` is the training step (chapter 04 prints
               it); `train` runs fit() with checkpoints, sample grids and loss curves
  recipes      the named recipes (`Recipe`), a run's configuration (`RunConfig`), building,
               loading, sampling and shipping the GAN they define
  metrics      Avatar-FID, KID, precision and recall, attribute coverage; `features` is the
               shipped network they measure with
  plots        image grids and curves
  loss_math    the one-dimensional game of chapter 02
  toy          the live two-dimensional GAN of chapters 01, 06 and 08; `widgets` its controls
               and the avatar picker
  anatomy      what is inside a network (chapter 03)
  latent, detection, augment, vae
               noise-space paths and inversion, spotting generated images, DiffAugment,
               the VAE of chapter 08
  exercises    the self-checks, a file per chapter
  course       a chapter's set-up and its recorded experiments

The run tooling they lean on, in `ganlab.tooling` (its docstring lists them): tf.data
pipelines (`batches`), `checkpoints`, fit() `callbacks`, `precision`, the fused batch
norm (`layers`), the `shipped` networks' cards and checksums, argument `checks`, the `cli`.

Importing ganlab does not import TensorFlow; the modules that need it import it. It does
turn TensorFlow's oneDNN kernels on for when they do (below).
"""

import os as _os

__version__ = "0.1.0"

# TensorFlow turns its oneDNN kernels on by itself only on CPUs with AVX-512 VNNI or
# BF16, or AMX; on a laptop with AVX2 (most of them) they stay off, and the GAN trains
# 1.65x faster with them on (benchmarks/train_throughput.py on an AVX2-only AMD EPYC:
# 74 -> 122 images/s). This has to happen before TensorFlow is imported, which any
# `from ganlab import models` does after this file. TF_ENABLE_ONEDNN_OPTS=0 keeps them off.
_os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "1")
