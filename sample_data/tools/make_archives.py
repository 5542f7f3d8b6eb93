"""Generate the sample corpus's compressed and archived forms: `hedgerow-forum.jsonl.gz`
(forum posts, one JSON object a line, gzipped) and `garden-shard-000000.tar` (a WebDataset
shard: per sample a picture, its caption and a JSON record with the URL it was found at and
its licence).

Deterministic: fixed timestamps and seeds, so running it again rewrites the same bytes.
Released under CC0-1.0, like the pictures and posts themselves, which the `lineage`
developers wrote and generated for the sample.
"""

import gzip
import io
import json
import tarfile
from pathlib import Path

from make_images import picture

HERE = Path(__file__).parent
FORUM = HERE.parent / "hedgerow-forum.jsonl.gz"
SHARD = HERE.parent / "garden-shard-000000.tar"
POSTS = [
    (
        "Has anyone else noticed the blackthorn flowering before the leaves this year? "
        "Ours was white by early March."
    ),
    (
        "Tip for elderflower cordial: pick the heads on a dry morning and never wash "
        "them, or the pollen goes."
    ),
    (
        "We laid forty metres of hawthorn hedge last winter. It took three weekends and "
        "most of our patience."
    ),
    (
        "The dormice are back in the hazel coppice. Chewed nuts with smooth round holes "
        "are the giveaway."
    ),
    (
        "Question: is it too late to plant bare-root hedging in April, or should I wait "
        "for the autumn?"
    ),
    (
        "Our village counted twenty-two species of bird along one kilometre of lane. The "
        "old hedges won."
    ),
    (
        "Sloe gin started in October is ready by Christmas, but the one we forgot for a "
        "year was far better."
    ),
    (
        "If you cut your hedge only every other year, the flowers and berries come on the "
        "older wood."
    ),
]
CAPTIONS = [
    "a bright garden border in early summer",
    "evening light over a vegetable patch",
    "a wildflower corner left unmown",
    "rain clouds above the allotments",
]
MTIME = 1_767_225_600  # 2026-01-01T00:00:00Z


def write_forum() -> None:
    rows = [
        {
            "id": f"post-{number:03d}",
            "text": text,
            "license": "CC0-1.0",
            "url": f"https://forum.example.org/hedgerows/{number}",
        }
        for number, text in enumerate(POSTS, start=1)
    ]
    lines = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows).encode()
    FORUM.write_bytes(gzip.compress(lines, mtime=MTIME))


def write_shard() -> None:
    with tarfile.open(SHARD, "w", format=tarfile.USTAR_FORMAT) as shard:
        for number, caption in enumerate(CAPTIONS):
            key = f"{number:06d}"
            encoded = io.BytesIO()
            picture(100 + number).resize((96, 96)).save(encoded, format="JPEG", quality=85)
            record = {"url": f"https://photos.example.net/garden/{key}.jpg", "license": "CC0-1.0"}
            for name, content in (
                (f"{key}.jpg", encoded.getvalue()),
                (f"{key}.json", json.dumps(record).encode()),
                (f"{key}.txt", caption.encode()),
            ):
                info = tarfile.TarInfo(name)
                info.size, info.mtime, info.mode = len(content), MTIME, 0o644
                shard.addfile(info, io.BytesIO(content))


if __name__ == "__main__":
    write_forum()
    write_shard()
