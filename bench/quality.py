"""Benchmark: how often near-duplicate matching finds what it should, and only that.

Reproducible by `--seed`. Prints two tables.

Texts: documents of invented prose, each paired with an edited copy (word substitutions,
insertions, deletions, sentence reordering, added boilerplate, at several strengths), and
pairs of unrelated documents. A pair "matches" as `lineage lookup` decides: the two share an
LSH band key and their estimated Jaccard reaches the threshold. Recall is reported by band of
true Jaccard (of the shingle sets), and the false-match rate over the unrelated pairs.

Images: `--images` distinct generated pictures; a subset goes through each transform (resize,
JPEG quality, format change, brightness, contrast, crop, text overlay, flip, rotation) and
recall is the share still within the pHash and dHash distances of its original. The
false-match rate is over every pair of distinct pictures.

    .venv/bin/python bench/quality.py
    .venv/bin/python bench/quality.py --texts 300 --images 2000
"""

from __future__ import annotations

import argparse
import io
import random
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw, ImageEnhance, ImageOps

from lineage.fingerprint import (
    DEFAULT_TEXT_PARAMS,
    DHASH_MAX_DISTANCE,
    PHASH_MAX_DISTANCE,
    fingerprint_image,
    normalize_text,
    shingles,
)
from lineage.fingerprint.text import sign_texts

JACCARD_BANDS = ((0.0, 0.2), (0.2, 0.4), (0.4, 0.6), (0.6, 0.8), (0.8, 1.01))
BOILERPLATE = (
    "Subscribe to our newsletter for more stories like this one. All rights reserved. "
    "Share this article with your friends and follow us for updates every week."
)


def main() -> None:
    args = parse_args()
    text_table(args.texts, args.seed)
    image_table(args.images, args.image_probes, args.seed)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Near-duplicate recall and false matches.")
    parser.add_argument("--texts", type=int, default=1000, help="documents per edit kind")
    parser.add_argument("--images", type=int, default=10_000, help="distinct pictures")
    parser.add_argument("--image-probes", type=int, default=300, help="pictures transformed")
    parser.add_argument("--seed", type=int, default=0)
    return parser.parse_args()


# Texts ---------------------------------------------------------------------------------------


def vocabulary(rng: random.Random, size: int = 20_000) -> list[str]:
    return [
        "".join(
            rng.choice("bcdfghklmnprstvz") + rng.choice("aeiou") for _ in range(rng.randint(1, 4))
        )
        for _ in range(size)
    ]


def document(rng: random.Random, words: list[str]) -> str:
    """Sentences of 6-18 words, word frequencies skewed like prose (Zipf-like)."""
    sentences = []
    for _ in range(rng.randint(8, 25)):
        picked = [
            words[min(int(rng.paretovariate(1.1)) - 1, len(words) - 1)]
            for _ in range(rng.randint(6, 18))
        ]
        sentences.append(" ".join(picked).capitalize() + ".")
    return " ".join(sentences)


def substitute(text: str, share: float, rng: random.Random, words: list[str]) -> str:
    tokens = text.split()
    for index in rng.sample(range(len(tokens)), int(len(tokens) * share)):
        tokens[index] = rng.choice(words)
    return " ".join(tokens)


def insert(text: str, share: float, rng: random.Random, words: list[str]) -> str:
    tokens = text.split()
    for _ in range(int(len(tokens) * share)):
        tokens.insert(rng.randrange(len(tokens) + 1), rng.choice(words))
    return " ".join(tokens)


def delete(text: str, share: float, rng: random.Random, _: list[str]) -> str:
    tokens = text.split()
    dropped = set(rng.sample(range(len(tokens)), int(len(tokens) * share)))
    return " ".join(token for index, token in enumerate(tokens) if index not in dropped)


def reorder(text: str, _: float, rng: random.Random, __: list[str]) -> str:
    sentences = text.split(". ")
    rng.shuffle(sentences)
    return ". ".join(sentences)


def boilerplate(text: str, _: float, __: random.Random, ___: list[str]) -> str:
    return f"{BOILERPLATE} {text} {BOILERPLATE}"


EDITS: dict[
    str, tuple[Callable[[str, float, random.Random, list[str]], str], tuple[float, ...]]
] = {
    "substitute": (substitute, (0.02, 0.05, 0.1, 0.2, 0.3)),
    "insert": (insert, (0.05, 0.1, 0.2)),
    "delete": (delete, (0.05, 0.1, 0.2)),
    "reorder sentences": (reorder, (0.0,)),
    "add boilerplate": (boilerplate, (0.0,)),
}


def true_jaccard(first: str, second: str) -> float:
    a = shingles(normalize_text(first), DEFAULT_TEXT_PARAMS.ngram)
    b = shingles(normalize_text(second), DEFAULT_TEXT_PARAMS.ngram)
    return len(a & b) / len(a | b) if a | b else 1.0


def matched(firsts: list[str], seconds: list[str]) -> list[bool]:
    """For each pair: would a lookup of the second find the first?"""
    one, two = (sign_texts(texts, DEFAULT_TEXT_PARAMS) for texts in (firsts, seconds))
    shared_band = (one.band_keys == two.band_keys).any(axis=1)
    estimate = (one.values == two.values).mean(axis=1)
    return list(shared_band & (estimate >= DEFAULT_TEXT_PARAMS.threshold))


@dataclass
class Tally:
    pairs: int = 0
    found: int = 0

    def rate(self) -> str:
        return f"{self.found / self.pairs:.3f} ({self.found}/{self.pairs})" if self.pairs else "-"


def text_table(count: int, seed: int) -> None:
    rng = random.Random(seed)
    words = vocabulary(rng)
    bands = {band: Tally() for band in JACCARD_BANDS}
    by_edit: dict[str, Tally] = {}
    for name, (edit, strengths) in EDITS.items():
        for strength in strengths:
            originals = [document(rng, words) for _ in range(count)]
            edited = [edit(text, strength, rng, words) for text in originals]
            label = f"{name} {strength:.0%}" if strength else name
            tally = by_edit.setdefault(label, Tally())
            for original, copy, hit in zip(
                originals, edited, matched(originals, edited), strict=True
            ):
                jaccard = true_jaccard(original, copy)
                band = next(b for b in JACCARD_BANDS if b[0] <= jaccard < b[1])
                for each in (bands[band], tally):
                    each.pairs += 1
                    each.found += hit
    unrelated_firsts = [document(rng, words) for _ in range(count * 10)]
    unrelated_seconds = [document(rng, words) for _ in range(count * 10)]
    false = sum(matched(unrelated_firsts, unrelated_seconds))
    params = DEFAULT_TEXT_PARAMS
    print(
        f"texts: word {params.ngram}-gram shingles, {params.num_perm} permutations, "
        f"{params.bands} bands x {params.rows} rows, threshold {params.threshold}, seed {seed}"
    )
    print(f"  {'edit':<24} recall")
    for label, tally in by_edit.items():
        print(f"  {label:<24} {tally.rate()}")
    print(f"  {'true Jaccard':<24} recall")
    for (low, high), tally in bands.items():
        closing = ")" if high < 1 else "]"
        label = f"[{low:.1f}, {min(high, 1.0):.1f}{closing}"
        print(f"  {label:<24} {tally.rate()}")
    pairs = len(unrelated_firsts)
    print(f"  false matches on unrelated pairs: {false}/{pairs} = {false / pairs:.4%}\n")


# Images --------------------------------------------------------------------------------------


def picture(rng: np.random.Generator, size: int = 160) -> Image.Image:
    """Smooth colour fields with a few hard-edged shapes, distinct per draw."""
    y, x = np.mgrid[0:size, 0:size] / size
    channels = []
    for _ in range(3):
        field = np.zeros((size, size))
        for _ in range(4):
            cx, cy, width, weight = rng.random(4)
            field += weight * np.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (0.01 + 0.08 * width))
        channels.append(field / field.max())
    image = Image.fromarray((np.stack(channels, -1) * 255).astype(np.uint8))
    draw = ImageDraw.Draw(image)
    for _ in range(4):
        left, top = (int(v) for v in rng.integers(0, size - 40, 2))
        width, height = (int(v) for v in rng.integers(15, 60, 2))
        colour = tuple(int(v) for v in rng.integers(0, 256, 3))
        shape = draw.ellipse if rng.random() < 0.5 else draw.rectangle
        shape([left, top, left + width, top + height], fill=colour)
    return image


def encoded(image: Image.Image, fmt: str = "PNG", **options: int) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def crop(share: float) -> Callable[[Image.Image], bytes]:
    def apply(image: Image.Image) -> bytes:
        w, h = image.size
        dx, dy = int(w * share / 2), int(h * share / 2)
        return encoded(image.crop((dx, dy, w - dx, h - dy)))

    return apply


def overlay(image: Image.Image) -> bytes:
    copy = image.copy()
    ImageDraw.Draw(copy).text((8, image.size[1] - 20), "(c) sample 2026", fill=(255, 255, 255))
    return encoded(copy)


TRANSFORMS: dict[str, Callable[[Image.Image], bytes]] = {
    "resize 0.5x": lambda im: encoded(im.resize((im.width // 2, im.height // 2))),
    "resize 2x": lambda im: encoded(im.resize((im.width * 2, im.height * 2))),
    "JPEG quality 90": lambda im: encoded(im, "JPEG", quality=90),
    "JPEG quality 50": lambda im: encoded(im, "JPEG", quality=50),
    "JPEG quality 30": lambda im: encoded(im, "JPEG", quality=30),
    "WebP": lambda im: encoded(im, "WEBP", quality=80),
    "brightness +20%": lambda im: encoded(ImageEnhance.Brightness(im).enhance(1.2)),
    "brightness -20%": lambda im: encoded(ImageEnhance.Brightness(im).enhance(0.8)),
    "contrast +20%": lambda im: encoded(ImageEnhance.Contrast(im).enhance(1.2)),
    "contrast -20%": lambda im: encoded(ImageEnhance.Contrast(im).enhance(0.8)),
    "crop 5%": crop(0.05),
    "crop 10%": crop(0.10),
    "text overlay": overlay,
    "horizontal flip": lambda im: encoded(ImageOps.mirror(im)),
    "rotate 5 degrees": lambda im: encoded(im.rotate(5, resample=Image.Resampling.BICUBIC)),
}


def image_table(count: int, probes: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    pictures = [picture(rng) for _ in range(count)]
    prints = [fingerprint_image(encoded(image)) for image in pictures]
    hashes = np.array([(p.phash, p.dhash) for p in prints], dtype=np.int64)
    false, pairs = 0, count * (count - 1) // 2
    for start in range(0, count, 500):
        block = hashes[start : start + 500]
        phash = np.bitwise_count(block[:, None, 0] ^ hashes[None, :, 0])
        dhash = np.bitwise_count(block[:, None, 1] ^ hashes[None, :, 1])
        close = (phash <= PHASH_MAX_DISTANCE) & (dhash <= DHASH_MAX_DISTANCE)
        rows, columns = np.nonzero(close)
        false += int(np.sum(rows + start < columns))
    print(
        f"images: pHash <= {PHASH_MAX_DISTANCE} and dHash <= {DHASH_MAX_DISTANCE} bits, "
        f"{count} distinct pictures, {probes} transformed, seed {seed}"
    )
    print(f"  {'transform':<20} recall")
    for name, transform in TRANSFORMS.items():
        found = 0
        for index in range(probes):
            copy = fingerprint_image(transform(pictures[index]))
            found += (
                int(np.bitwise_count(np.int64(copy.phash ^ prints[index].phash)))
                <= PHASH_MAX_DISTANCE
                and int(np.bitwise_count(np.int64(copy.dhash ^ prints[index].dhash)))
                <= DHASH_MAX_DISTANCE
            )
        print(f"  {name:<20} {found / probes:.3f} ({found}/{probes})")
    print(f"  false matches among distinct pictures: {false}/{pairs} = {false / pairs:.5%}")


if __name__ == "__main__":
    main()
