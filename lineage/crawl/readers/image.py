"""Image files: one item each, with the rights and licence their metadata carries."""

from __future__ import annotations

from lineage.crawl.items import Blob, ContentItem, Reader, ReadOptions, ReadResult
from lineage.fingerprint.image_index import IMAGE_SUFFIXES
from lineage.vocabulary import LicenseOrigin, RecordKind


def read_image(blob: Blob, _options: ReadOptions) -> ReadResult:
    """The image as it is: decoding it is fingerprinting's work, which reports a bad one."""
    from lineage.crawl.image_rights import read_embedded_rights  # Pillow, for images only

    data = blob.read()
    rights = read_embedded_rights(data)
    yield ContentItem(
        blob.locator,
        RecordKind.IMAGE,
        data,
        license=rights.license if rights is not None else None,
        license_origin=LicenseOrigin.IMAGE_METADATA,
        rights=rights,
    )


READER = Reader("image", IMAGE_SUFFIXES, read_image)
