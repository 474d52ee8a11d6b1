"""ganlab: the helper package of a notebook-first course on generative adversarial networks.

Modules, one idea each: `data` (avatars, your own images, tf.data), `avatars` (the
artwork and its attributes), `folder` (reading image folders), `plots` (grids), `models`,
`losses`, `training`, `metrics`, `recipes`, `cli`; for the chapters: `course` (set-up),
`exercises` (self-checks), `loss_math` (the 1-D game), `toy` and `widgets` (the live
2-D GAN), `anatomy` (what is inside a network).
Importing ganlab does not import TensorFlow; the modules that need it import it.
"""

__version__ = "0.1.0"
