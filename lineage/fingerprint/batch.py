"""Fingerprinting a batch of items for ingest: pure functions, run in this process or in
worker processes alike (everything they take and return pickles)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any, cast

from lineage.errors import InputError
from lineage.fingerprint.image_index import image_keys
from lineage.fingerprint.text import TextFingerprintParams, empty_rows, sign_texts
from lineage.vocabulary import RecordKind

# (kind, payload): an image's bytes, or a text; a text's bytes are never sent to a worker too.
FingerprintTask = tuple[str, bytes | str]
# The record columns fingerprints fill; every row carries all of them, as one multi-row
# INSERT needs.
FINGERPRINT_COLUMNS = (
    "text_sha256",
    "minhash",
    "phash",
    "dhash",
    "width",
    "height",
    "image_format",
)
EMPTY_RECORD: dict[str, Any] = dict.fromkeys(FINGERPRINT_COLUMNS)
FingerprintResult = tuple[dict[str, Any], str | None]


def fingerprint_chunk(
    tasks: list[FingerprintTask], params: TextFingerprintParams, image_threads: int = 1
) -> list[FingerprintResult]:
    """The fingerprint columns of each (kind, payload) item, or why it cannot be fingerprinted.
    Texts are signed together; images are decoded on `image_threads` threads (Pillow lets go
    of the GIL while it decodes). Pure, so it runs the same in a worker."""
    texts = [index for index, (kind, _) in enumerate(tasks) if kind != RecordKind.IMAGE]
    signed = sign_texts([str(tasks[index][1]) for index in texts], params, compiled=True)
    results: list[FingerprintResult] = [({}, None) for _ in tasks]
    images = [index for index, (kind, _) in enumerate(tasks) if kind == RecordKind.IMAGE]
    # An image task's payload is its bytes (see FingerprintTask).
    encoded = [cast(bytes, tasks[index][1]) for index in images]
    image_rows = _image_rows(encoded, image_threads)
    for index, result in zip(images, image_rows, strict=True):
        results[index] = result
    signatures = [values.tobytes() for values in signed.values.astype("<u4", copy=False)]
    for position, (index, empty) in enumerate(zip(texts, empty_rows(signed.values), strict=True)):
        keys = signed.band_keys[position]
        results[index] = (
            {
                "text_sha256": signed.text_sha256[position],
                "minhash": signatures[position],
                "index_keys": keys[:0] if empty else keys,
            },
            None,
        )
    for (kind, _), (row, _) in zip(tasks, results, strict=True):
        row.update(EMPTY_RECORD | row | {"kind": kind})
    return results


def _image_rows(encoded: list[bytes], threads: int) -> list[FingerprintResult]:
    if threads == 1 or len(encoded) < 2:
        return [_image_row(data) for data in encoded]
    # A pool per chunk, never one kept across calls: threads do not survive a fork.
    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(_image_row, encoded))


def _image_row(data: bytes) -> FingerprintResult:
    from lineage.fingerprint.image import fingerprint_image  # Pillow, for images only

    try:
        image = fingerprint_image(data)
    except InputError as exc:
        return {}, str(exc)
    return {
        "phash": image.phash,
        "dhash": image.dhash,
        "width": image.width,
        "height": image.height,
        "image_format": image.format,
        "index_keys": list(image_keys(image.phash)),
    }, None
