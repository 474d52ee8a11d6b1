"""The checkers of 03_dense_generator_and_conv_discriminator.ipynb's exercises."""

from __future__ import annotations

from ganlab.exercises.registry import exercise, whole_number


@exercise("03.1")
def _layers_on_one_pixel_at_32(answer) -> str | None:
    if (problem := whole_number(answer)) is not None:
        return problem
    if answer == 8:
        return "that is the count at 64x64. At 32x32 the maps reach 1x1 one layer sooner."
    if answer != 9:
        return (f"{answer} is not it. Count the halvings from 32 to 1; every layer after "
                "them reads a 1x1 map.")
    return None


@exercise("03.2")
def _dense_generator_last_layer(answer) -> str | None:
    if (problem := whole_number(answer)) is not None:
        return problem
    weights = 1024 * 64 * 64 * 3
    if answer == weights:
        return "that counts the weights; add one bias per output."
    if answer != weights + 64 * 64 * 3:
        return (f"{answer:,} is not it. A dense layer has inputs x outputs weights plus one bias "
                "per output; the outputs are 64 x 64 x 3.")
    return None
