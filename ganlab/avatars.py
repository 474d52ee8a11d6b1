"""Avatar artwork: the attribute schema, seeded sampling, and rendering one avatar.

The pictures are Avataaars drawings (Pablo Stanley) assembled by the `python-avatars`
package as SVG and rasterised by `resvg-py`. This module knows the artwork; the
dataset machinery (caching, parallel rendering, tf.data) lives in `ganlab.data`.

Taught in 00_start_here.ipynb.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Mapping, Sequence

import numpy as np
import python_avatars as pa
import resvg_py
from PIL import Image


# Circle colours of the avatar background, one picked per image. Outside the circle
# the picture is white, like a profile photo on a page.
BACKGROUND_COLORS = {
    "sky": "#65C9FF",
    "navy": "#25557C",
    "mint": "#A7FFC4",
    "peach": "#FFDEB5",
    "lemon": "#FFFFB1",
    "pink": "#FF488E",
    "coral": "#FF5C5C",
    "grey": "#929598",
}
PAGE_COLOR = (255, 255, 255)

# Skin tones ordered from light to dark, so that bar charts of the distribution read
# naturally; the library's enum order is arbitrary.
_SKIN_ORDER = ("PALE", "LIGHT", "YELLOW", "TANNED", "BROWN", "DARK_BROWN", "BLACK")
# The custom-text shirt needs system fonts, which differ between machines and would
# break "same seed, same pixels"; every other graphic is drawn with paths.
_GRAPHICS = tuple(g for g in pa.ClothingGraphic if g.name not in ("NONE", "CUSTOM_TEXT"))
_TOPS = tuple(pa.HairType) + tuple(pa.HatType)


def _names(members) -> tuple[str, ...]:
    """Class names: enum members by their lower-case name, plain strings as they are."""
    return tuple(getattr(member, "name", member).lower() for member in members)


# The python-avatars value behind each integer label, per sampled attribute.
_MEMBERS = {
    "skin_tone": tuple(pa.SkinColor[name] for name in _SKIN_ORDER),
    "hair_color": tuple(pa.HairColor),
    "top": _TOPS,
    "hat_color": tuple(pa.ClothingColor),
    "accessory": tuple(pa.AccessoryType),
    "facial_hair": tuple(pa.FacialHairType),
    "facial_hair_color": tuple(pa.HairColor),
    "clothing": tuple(pa.ClothingType),
    "clothing_color": tuple(pa.ClothingColor),
    "graphic": (pa.ClothingGraphic.NONE,) + _GRAPHICS,
    "eyes": tuple(pa.EyeType),
    "eyebrows": tuple(pa.EyebrowType),
    "mouth": tuple(pa.MouthType),
    "nose": tuple(pa.NoseType),
    "background": tuple(BACKGROUND_COLORS),
}
# What each integer label means: attribute name -> class names, in label order. The
# derived attribute `hat` (the headwear a top draws) sits beside `top`.
ATTRIBUTES: dict[str, tuple[str, ...]] = {}
for _name, _members in _MEMBERS.items():
    ATTRIBUTES[_name] = _names(_members)
    if _name == "top":
        ATTRIBUTES["top"] = tuple(f"{'hat' if isinstance(top, pa.HatType) else 'hair'}:"
                                  f"{top.name.lower()}" for top in _TOPS)
        ATTRIBUTES["hat"] = ("none",) + _names(pa.HatType) + ("astronaut_helmet",)
ATTRIBUTE_NAMES = tuple(ATTRIBUTES)
DERIVED = ("hat",)
# The headwear each top draws: every hat type, and two tops that python-avatars files
# under hair but that draw a hat (hair:hat, almost the same picture as hat:hat) or a
# space helmet (hair:astronaut).
_HEADWEAR = {top: top.name.lower() for top in pa.HatType}
_HEADWEAR.update({pa.HairType.HAT: "hat", pa.HairType.ASTRONAUT: "astronaut_helmet"})
SAMPLED = tuple(name for name in ATTRIBUTE_NAMES if name not in DERIVED)


def default_weights(attribute: str) -> np.ndarray:
    """Relative class weights used when the caller gives none for `attribute`.

    Uniform, except that accessories and facial hair are absent half the time (as in
    python-avatars' own random avatars) and a shirt graphic appears only on graphic
    shirts (its class weights then apply to the drawings, not to "none").
    """
    weights = np.ones(len(ATTRIBUTES[attribute]))
    if attribute in ("accessory", "facial_hair"):
        weights[0] = weights[1:].sum()  # "none" as likely as all the others together
    if attribute == "graphic":
        weights[0] = 0.0
    return weights


def normalize_weights(weights: Mapping[str, object] | None) -> dict[str, np.ndarray]:
    """Check user weights and return a probability vector for every sampled attribute.

    Args:
        weights: attribute name -> either one non-negative number per class, in the
            order of `ATTRIBUTES[name]`, or a mapping {class name: weight} in which
            every class not named gets weight 0 (so {"pale": 9, "black": 1} means 90%
            pale, 10% black). Attributes not mentioned keep `default_weights`.

    Returns:
        attribute name -> probabilities (float64, sums to 1), for all of `SAMPLED`.
    """
    if weights is not None and not isinstance(weights, Mapping):
        raise ValueError(f"weights must be a dict such as {{'skin_tone': {{'pale': 9, 'black': 1}}}}; "
                         f"got {weights!r}.")
    weights = dict(weights or {})
    unknown = sorted(set(weights) - set(SAMPLED))
    if unknown:
        raise ValueError(
            f"cannot set weights for {unknown}: the attributes that are sampled are "
            f"{list(SAMPLED)} ('hat' follows from 'top')."
        )
    probabilities = {}
    for attribute in SAMPLED:
        given = weights.get(attribute)
        vector = default_weights(attribute) if given is None else _weight_vector(attribute, given)
        probabilities[attribute] = vector / vector.sum()
    return probabilities


def _weight_vector(attribute: str, given) -> np.ndarray:
    classes = ATTRIBUTES[attribute]
    if isinstance(given, (str, bytes, set, frozenset)) or not hasattr(given, "__len__"):
        raise ValueError(f"{attribute} weights must be a list of {len(classes)} numbers or a "
                         f"{{class name: weight}} dict; got {given!r}.")
    if isinstance(given, Mapping):
        unknown = sorted(set(given) - set(classes))
        if unknown:
            raise ValueError(f"unknown {attribute} class(es) {unknown}; known: {list(classes)}")
        vector = _numbers(attribute, [given.get(name, 0.0) for name in classes])
    else:
        vector = _numbers(attribute, given)
        if vector.size != len(classes):
            raise ValueError(
                f"{attribute} weights need {len(classes)} numbers, one per class "
                f"{list(classes)}; got {vector.size}."
            )
    if not np.all(np.isfinite(vector)) or np.any(vector < 0) or vector.sum() <= 0:
        raise ValueError(
            f"{attribute} weights must be finite, non-negative and not all zero; got {vector.tolist()}."
        )
    return vector


def _numbers(attribute: str, values) -> np.ndarray:
    try:
        return np.asarray(values, dtype=float).ravel()
    except (TypeError, ValueError):
        raise ValueError(f"{attribute} weights must be numbers; got {values!r}.") from None


def sample_labels(n: int, seed: int, probabilities: Mapping[str, np.ndarray]) -> np.ndarray:
    """Draw the attributes of `n` avatars; returns int16 labels [n, len(ATTRIBUTE_NAMES)].

    Avatar i uses its own random stream seeded by (seed, i), so the first k avatars
    of a set of n are the same for any n >= k. Labels describe what is drawn: an
    accessory or facial hair that the chosen top has no place for is recorded as
    "none", and `hat` names the headwear the top draws, if any.
    """
    cumulative = [np.cumsum(probabilities[name]) for name in SAMPLED]
    for cdf in cumulative:
        cdf[-1] = 1.0  # guard against rounding: every draw u < 1 must find a class
    labels = np.zeros((n, len(ATTRIBUTE_NAMES)), dtype=np.int16)
    column = {name: ATTRIBUTE_NAMES.index(name) for name in ATTRIBUTE_NAMES}
    for index in range(n):
        uniforms = np.random.default_rng((seed, index)).random(len(SAMPLED))
        for name, cdf, u in zip(SAMPLED, cumulative, uniforms):
            labels[index, column[name]] = np.searchsorted(cdf, u, side="right")
    _apply_artwork_rules(labels, column)
    return labels


def _apply_artwork_rules(labels: np.ndarray, column: Mapping[str, int]) -> None:
    """Make labels say what is drawn (the SVG of some tops lacks a slot for a part)."""
    tops = [_TOPS[i] for i in labels[:, column["top"]]]
    has_slot = np.array([[_top_slots(top)[s] for s in ("Accessory", "Facial-Hair")] for top in tops])
    labels[~has_slot[:, 0], column["accessory"]] = 0
    labels[~has_slot[:, 1], column["facial_hair"]] = 0
    labels[:, column["hat"]] = [ATTRIBUTES["hat"].index(_HEADWEAR.get(top, "none")) for top in tops]
    graphic_shirt = labels[:, column["clothing"]] == ATTRIBUTES["clothing"].index("graphic_shirt")
    labels[~graphic_shirt, column["graphic"]] = 0


@functools.cache
def _top_slots(top) -> dict[str, bool]:
    """Which parts the SVG of `top` has a place for (read from the artwork itself)."""
    from python_avatars.core import _get_path
    from python_avatars.svg_parser import SVGParser

    svg = SVGParser(_get_path(type(top), top))
    return {slot: svg.get_element_by_id(slot) is not None
            for slot in ("Accessory", "Facial-Hair", "Fabric-Color")}


# Hair styles whose hair does not take the chosen colour: bald, and two styles drawn in
# a fixed colour. Found by rendering every style in two colours (tests re-check it).
_HAIR_COLOR_HIDDEN = frozenset({pa.HairType.NONE, pa.HairType.SHAVED_SIDES, pa.HairType.STRAIGHT_2})


def visible(attribute: str, labels: np.ndarray) -> np.ndarray:
    """Boolean mask [n]: is `attribute` visible in each avatar with these labels?

    Colours can only be seen on a part that is drawn: hair colour on a hair style that
    takes the colour (not hats, not bald, not the two styles with fixed-colour hair),
    facial-hair colour on a beard or moustache, hat colour on a coloured hat, clothing
    colour on clothes that have a fabric colour. Everything else is always visible.
    """
    column = {name: ATTRIBUTE_NAMES.index(name) for name in ATTRIBUTE_NAMES}
    tops = [_TOPS[i] for i in labels[:, column["top"]]]
    if attribute == "hair_color":
        return np.array([isinstance(t, pa.HairType) and t not in _HAIR_COLOR_HIDDEN for t in tops])
    if attribute == "hat_color":
        return np.array([isinstance(t, pa.HatType) and _top_slots(t)["Fabric-Color"] for t in tops])
    if attribute == "facial_hair_color":
        return labels[:, column["facial_hair"]] != 0
    if attribute == "clothing_color":
        no_fabric = [ATTRIBUTES["clothing"].index(c) for c in ("none", "astronaut_suit")]
        return ~np.isin(labels[:, column["clothing"]], no_fabric)
    if attribute not in column:
        raise ValueError(f"unknown attribute {attribute!r}; known: {list(ATTRIBUTE_NAMES)}")
    return np.ones(len(labels), dtype=bool)


def avatar_svg(label_row: Sequence[int], size: int) -> str:
    """The SVG text of one avatar, square, `size` pixels wide, circle background fixed."""
    value = {name: _MEMBERS[name][int(label_row[i])]
             for i, name in enumerate(ATTRIBUTE_NAMES) if name in _MEMBERS}
    background = BACKGROUND_COLORS[value["background"]]
    avatar = pa.Avatar(
        style=pa.AvatarStyle.CIRCLE, background_color=background, top=value["top"],
        hat_color=value["hat_color"], eyebrows=value["eyebrows"], eyes=value["eyes"],
        nose=value["nose"], mouth=value["mouth"], facial_hair=value["facial_hair"],
        skin_color=value["skin_tone"], hair_color=value["hair_color"],
        facial_hair_color=value["facial_hair_color"], accessory=value["accessory"],
        clothing=value["clothing"], clothing_color=value["clothing_color"],
        shirt_graphic=value["graphic"],
    )
    return _fix_svg(avatar.render(), background, size)


# In the circle style the visible disc is a group whose fill the library leaves empty;
# browsers then draw nothing, resvg draws black. We give it the background colour.
_EMPTY_DISC = '<g id="circle_Fabric-Color" mask="url(#circle_mask-2)" fill="">'
# The drawing is 264 x 280; widen the view box to 280 x 280, centred, for a square.
_VIEW = 'width="264px" height="280px" viewBox="0 0 264 280"'


def _fix_svg(svg: str, background: str, size: int) -> str:
    if _EMPTY_DISC not in svg or _VIEW not in svg:
        raise RuntimeError(
            "python-avatars produced an SVG this version of ganlab does not recognise; "
            "install the pinned version (see pyproject.toml)."
        )
    svg = svg.replace(_EMPTY_DISC, _EMPTY_DISC.replace('fill=""', f'fill="{background}"'))
    return svg.replace(_VIEW, f'width="{size}" height="{size}" viewBox="-8 0 280 280"')


def render_avatar(label_row: Sequence[int], size: int = 64) -> np.ndarray:
    """Rasterise one avatar: uint8 RGB array [size, size, 3] on a white page.

    Taught in 00_start_here.ipynb.
    """
    png = resvg_py.svg_to_bytes(svg_string=avatar_svg(label_row, size), skip_system_fonts=True)
    rgba = np.asarray(Image.open(io.BytesIO(bytes(png))).convert("RGBA"), dtype=np.float32)
    alpha = rgba[..., 3:] / 255.0
    # Composite over the page: out = colour * alpha + page * (1 - alpha)
    rgb = rgba[..., :3] * alpha + np.array(PAGE_COLOR, np.float32) * (1.0 - alpha)
    return np.rint(rgb).astype(np.uint8)
