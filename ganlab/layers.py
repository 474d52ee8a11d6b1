"""Layers the course adds to Keras: the minibatch standard-deviation feature.

Taught in 06_challenges.ipynb.
"""

from __future__ import annotations

import keras
from keras import layers, ops


@keras.saving.register_keras_serializable(package="ganlab")
class MinibatchStdDev(layers.Layer):
    """Append one feature map: how much the images of the batch differ from each other.

    A discriminator that sees only one image at a time cannot tell that a generator
    makes the same face over and over (mode collapse). This layer (Karras et al. 2018,
    "Progressive Growing of GANs", section 3) gives it a batch statistic:

        s = mean over (height, width, channels) of sqrt(variance over the batch + 1e-8)

    and appends s as a constant extra channel, so [b, h, w, c] becomes [b, h, w, c + 1].
    A collapsed batch has s near 0, a varied one does not.
    """

    def __init__(self, epsilon: float = 1e-8, **kwargs):
        super().__init__(**kwargs)
        self.epsilon = epsilon

    def call(self, inputs):
        features = ops.cast(inputs, "float32")  # a variance in bfloat16 loses too much
        variance = ops.var(features, axis=0)  # over the batch: [h, w, c]
        spread = ops.mean(ops.sqrt(variance + self.epsilon))
        shape = ops.shape(inputs)
        channel = ops.ones((shape[0], shape[1], shape[2], 1), dtype="float32") * spread
        return ops.concatenate([inputs, ops.cast(channel, inputs.dtype)], axis=-1)

    def compute_output_shape(self, input_shape):
        *rest, channels = input_shape
        return (*rest, None if channels is None else channels + 1)

    def get_config(self):
        return {**super().get_config(), "epsilon": self.epsilon}
