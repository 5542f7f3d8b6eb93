"""Generate the sample images: smooth fields of colour and shape, distinct per seed.

Deterministic (seeded with numpy), so running it again rewrites the same pictures. Released
under CC0-1.0 with the rest of images/. Also writes the resized, recompressed probe.
"""

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

HERE = Path(__file__).parent
IMAGES = HERE.parent / "images"
PROBES = HERE.parent / "probes"
COUNT = 24
SIZE = 256


def picture(seed: int) -> Image.Image:
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:SIZE, 0:SIZE] / SIZE
    channels = []
    for _ in range(3):
        field = np.zeros((SIZE, SIZE))
        for _ in range(5):
            cx, cy, width, weight = rng.random(4)
            field += weight * np.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (0.01 + 0.08 * width))
        channels.append(field / field.max())
    image = Image.fromarray((np.stack(channels, axis=-1) * 255).astype(np.uint8))
    draw = ImageDraw.Draw(image)
    for _ in range(3):
        left, top = rng.integers(0, SIZE - 60, 2)
        extent = rng.integers(20, 60, 2)
        colour = tuple(int(value) for value in rng.integers(0, 256, 3))
        shape = draw.ellipse if rng.random() < 0.5 else draw.rectangle
        shape([int(left), int(top), int(left + extent[0]), int(top + extent[1])], fill=colour)
    return image


def main() -> None:
    for seed in range(COUNT):
        image = picture(seed)
        if seed % 2:
            image.save(IMAGES / f"scene-{seed:02d}.jpg", quality=85)
        else:
            image.save(IMAGES / f"scene-{seed:02d}.png", optimize=True)
    probe = picture(7).resize((SIZE * 3 // 4, SIZE * 3 // 4), Image.Resampling.LANCZOS)
    probe.save(PROBES / "resized-image.jpg", quality=60)


if __name__ == "__main__":
    main()
