"""ganlab's BatchNormalization: Keras' layer, computed in training by the fused kernel."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from ganlab import models
from ganlab.tooling.layers import BatchNormalization


def _pair(shape, **kwargs):
    ours, keras_own = BatchNormalization(**kwargs), keras.layers.BatchNormalization(**kwargs)
    for layer in (ours, keras_own):
        layer.build(shape)
        if layer.scale:
            layer.gamma.assign(np.linspace(0.5, 1.5, layer.gamma.shape[0]))
        if layer.center:
            layer.beta.assign(np.linspace(-1.0, 1.0, layer.beta.shape[0]))
    return ours, keras_own


def _train_once(layer, inputs):
    """Outputs, gradients (inputs and trainable weights) and moving statistics of one step."""
    with tf.GradientTape() as tape:
        tape.watch(inputs)
        outputs = layer(inputs, training=True)
        weighting = tf.range(outputs.shape[-1], dtype="float32") - 2.0
        loss = tf.reduce_sum(tf.cast(outputs, "float32") ** 2 * weighting)
    gradients = tape.gradient(loss, [inputs, *layer.trainable_weights])
    return [outputs, *gradients, layer.moving_mean, layer.moving_variance]


@pytest.mark.parametrize("policy", ["float32", "mixed_bfloat16"])
def test_training_step_matches_keras_batch_norm(policy):
    keras.mixed_precision.set_global_policy(policy)
    try:
        inputs = tf.constant(np.random.default_rng(0).normal(2.0, 3.0, (8, 5, 5, 6)), "float32")
        ours, keras_own = _pair(inputs.shape, momentum=0.9)
        mine, theirs = _train_once(ours, inputs), _train_once(keras_own, inputs)
        assert mine[0].dtype == theirs[0].dtype == keras.mixed_precision.global_policy().compute_dtype
        # bfloat16 outputs keep 8 bits of mantissa: compare to a few units of their last place
        tolerance = 1e-5 if policy == "float32" else 0.04
        for name, a, b in zip(["outputs", "d inputs", "d gamma", "d beta", "moving mean",
                               "moving variance"], mine, theirs):
            np.testing.assert_allclose(np.float32(a), np.float32(b), rtol=tolerance, atol=tolerance,
                                       err_msg=name)
        # the moving variance averages the biased batch variance, as Keras does
        seen = np.float32(tf.cast(inputs, mine[0].dtype))  # the inputs as the layer sees them
        biased = np.var(seen, axis=(0, 1, 2))
        np.testing.assert_allclose(ours.moving_variance.numpy(), 0.9 + 0.1 * biased, rtol=1e-4)
        inference = ours(inputs, training=False), keras_own(inputs, training=False)
        np.testing.assert_allclose(np.float32(inference[0]), np.float32(inference[1]), rtol=1e-5, atol=1e-5)
    finally:
        keras.mixed_precision.set_global_policy("float32")


def test_without_scale_or_center_and_frozen_it_still_matches():
    inputs = tf.constant(np.random.default_rng(1).normal(size=(4, 3, 3, 5)), "float32")
    ours, keras_own = _pair(inputs.shape, scale=False, center=False)
    for a, b in zip(_train_once(ours, inputs), _train_once(keras_own, inputs)):
        np.testing.assert_allclose(np.float32(a), np.float32(b), rtol=1e-5, atol=1e-5)
    ours.trainable = keras_own.trainable = False  # frozen: normalizes by the moving statistics
    np.testing.assert_allclose(ours(inputs, training=True).numpy(),
                               keras_own(inputs, training=True).numpy(), rtol=1e-6, atol=1e-6)


def test_inputs_the_fused_kernel_does_not_take_use_keras_code():
    sequence = tf.constant(np.random.default_rng(2).normal(size=(4, 7, 3)), "float32")
    ours, keras_own = _pair(sequence.shape)  # 3-D input
    np.testing.assert_allclose(ours(sequence, training=True).numpy(),
                               keras_own(sequence, training=True).numpy(), rtol=1e-5, atol=1e-5)
    images = tf.constant(np.random.default_rng(3).normal(size=(4, 3, 3, 2)), "float32")
    ours, keras_own = _pair((4, 3, 3, 2), axis=1)  # not the last axis
    np.testing.assert_allclose(ours(images, training=True).numpy(),
                               keras_own(images, training=True).numpy(), rtol=1e-5, atol=1e-5)


def test_models_use_it_and_it_saves_and_loads(tmp_path):
    generator = models.dcgan_generator(latent_dim=8, size=32, width=8)
    norms = [layer for layer in generator.layers if isinstance(layer, keras.layers.BatchNormalization)]
    assert norms and all(isinstance(layer, BatchNormalization) for layer in norms)
    assert models.has_batch_norm(generator)
    # the same class name in summaries and layer tables as Keras' own layer
    assert type(norms[0]).__name__ == "BatchNormalization"
    path = tmp_path / "generator.keras"
    generator.save(path)
    loaded = keras.saving.load_model(path, compile=False)
    assert isinstance(loaded.get_layer(norms[0].name), BatchNormalization)
    latent = np.random.default_rng(4).normal(size=(2, 8)).astype("float32")
    np.testing.assert_array_equal(loaded(latent).numpy(), generator(latent).numpy())
