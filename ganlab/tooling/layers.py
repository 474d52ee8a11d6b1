"""Layers the course adds to Keras: the minibatch standard-deviation feature, and batch
normalization on TensorFlow's fused kernel.

MinibatchStdDev is taught in 06_challenges.ipynb.
"""

from __future__ import annotations

import keras
import tensorflow as tf
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


@keras.saving.register_keras_serializable(package="ganlab")
class BatchNormalization(layers.BatchNormalization):
    """Keras' BatchNormalization, computed in training by TensorFlow's fused kernel.

    The same layer: the same weights, arguments, summary and moving averages (of the
    biased batch variance, as Keras keeps them). Keras 3 normalizes with separate ops
    and, under mixed precision, casts the activations to float32 and back; the fused
    kernel (FusedBatchNormV3, oneDNN's on this CPU) takes bfloat16 activations as they
    are: one op computes the batch statistics and normalizes, one op its gradient.
    That made the DCGAN training step 1.16x-1.20x faster in bfloat16 here (README,
    performance). tf.keras 2 used the same kernel by default.

    Inference, and anything the kernel does not cover (a mask, renorm, synchronized
    statistics, an axis other than the last of a 4-D input), is Keras' own code.
    """

    def call(self, inputs, training=None, mask=None):
        if not (training and self.trainable) or not self._fusable(inputs, mask):
            return super().call(inputs, training=training, mask=mask)
        channels = inputs.shape[-1]
        scale = self.gamma.value if self.scale else tf.ones([channels], tf.float32)
        offset = self.beta.value if self.center else tf.zeros([channels], tf.float32)
        outputs, mean, unbiased_variance = tf.compat.v1.nn.fused_batch_norm(
            inputs, scale, offset, epsilon=self.epsilon, is_training=True)
        # The kernel reports the batch variance with Bessel's correction; Keras averages
        # the biased one, which is the one the kernel normalized with.
        count = ops.cast(ops.size(inputs) // channels, "float32")
        variance = unbiased_variance * (count - 1.0) / count
        self.moving_mean.assign(self.moving_mean * self.momentum + mean * (1.0 - self.momentum))
        self.moving_variance.assign(self.moving_variance * self.momentum + variance * (1.0 - self.momentum))
        return ops.cast(outputs, self.compute_dtype)

    def _fusable(self, inputs, mask) -> bool:
        return (keras.backend.backend() == "tensorflow" and mask is None and not self.renorm
                and not self.synchronized and len(inputs.shape) == 4 and self.axis in (-1, 3)
                and inputs.shape[-1] is not None)
