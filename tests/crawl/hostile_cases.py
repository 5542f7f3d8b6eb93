"""The hostile corpus: kinds of bad input a corpus from the web holds, each made in a folder
of its own, and what ingest must make of it (a problem, a skip, or a record read within
bounds). Used by tests/crawl/test_hostile_corpus.py and bench/hostile_corpus.py."""

from __future__ import annotations

import io
import os
import struct
import tarfile
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from tests.conftest import make_document, make_picture

# The file every case puts beside its hostile input, which must be stored whatever happens.
GOOD_FILE = "good.txt"


@dataclass(frozen=True)
class Case:
    name: str
    make: Callable[[Path], None]  # writes the hostile input into the corpus folder
    problems: tuple[str, ...] = ()  # locators that must be reported as problems
    skipped: tuple[str, ...] = ()  # file names that must be skipped, never opened
    stored: tuple[str, ...] = ()  # locators that must be read and stored


def _write(name: str, data: Callable[[], bytes]) -> Callable[[Path], None]:
    """Writes `data()` as `name`: made when the case runs, not when the suite is collected."""

    def make(corpus: Path) -> None:
        (corpus / name).write_bytes(data())

    return make


def _png(picture: Image.Image, **options: object) -> bytes:
    buffer = io.BytesIO()
    picture.save(buffer, "PNG", **options)
    return buffer.getvalue()


def _picture_png() -> bytes:
    return _png(make_picture(3, 256))


def _png_claiming(width: int, height: int) -> bytes:
    """A 1x1 PNG whose header claims `width` x `height` pixels (CRC fixed up)."""
    data = bytearray(_png(Image.new("L", (1, 1))))
    header = b"IHDR" + struct.pack(">II", width, height) + bytes(data[24:29])
    data[12:29] = header
    data[29:33] = struct.pack(">I", zlib.crc32(header))
    return bytes(data)


def _gif_of_frames(count: int) -> bytes:
    frames = [Image.new("P", (16, 16), index % 256) for index in range(count)]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], duration=10)
    return buffer.getvalue()


def _jpeg_with_exif_copyright(length: int) -> bytes:
    exif = Image.Exif()
    exif[0x8298] = "C" * length  # Copyright
    buffer = io.BytesIO()
    make_picture(4, 128).save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def _png_with_xmp(packet: str) -> bytes:
    info = PngInfo()
    info.add_itxt("XML:com.adobe.xmp", packet)
    return _png(make_picture(5, 128), pnginfo=info)


def _xmp_rights(rights: str, doctype: str = "") -> str:
    return (
        f'<?xml version="1.0"?>{doctype}<x:xmpmeta xmlns:x="adobe:ns:meta/">'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f'<dc:rights><rdf:Alt><rdf:li xml:lang="x-default">{rights}</rdf:li></rdf:Alt>'
        "</dc:rights></rdf:Description></rdf:RDF></x:xmpmeta>"
    )


_LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{level} "{("&lol" + (str(level - 1) if level > 1 else "") + ";") * 10}">'
        for level in range(1, 10)
    )
    + "]>"
)


def _parquet(rows: int) -> bytes:
    table = pa.table({"text": [make_document(seed, 60) for seed in range(rows)]})
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    return buffer.getvalue()


def _tar(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def _zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("zeros.txt", b"\0" * (256 << 20))
    return buffer.getvalue()


def _symlink_loop(corpus: Path) -> None:
    (corpus / "loop-a.txt").symlink_to(corpus / "loop-b.txt")
    (corpus / "loop-b.txt").symlink_to(corpus / "loop-a.txt")


def _links_out_of_the_root(corpus: Path) -> None:
    (corpus / "passwd.txt").symlink_to("/etc/passwd")
    (corpus / "root").symlink_to("/", target_is_directory=True)
    (corpus / "up.txt").symlink_to("../../../../../../etc/hostname")


def _card_linked_out(corpus: Path) -> None:
    outside = corpus.parent / "elsewhere.md"
    outside.write_text("---\nlicense: mit\n---\nA card from outside the corpus.\n")
    (corpus / "README.md").symlink_to(outside)


def _fifo(corpus: Path) -> None:
    os.mkfifo(corpus / "x.txt")


# Names as the file system has them; a locator spells each as it is, but for the Latin-1
# byte, which is not UTF-8.
_ODD_NAMES = (
    "new\nline.txt",
    "-rf --no-preserve-root.txt",
    "back\\slash.txt",
    "\u202etxt.exe.txt",  # a right-to-left override
    "n" * 250 + ".txt",
)


def _odd_names(corpus: Path) -> None:
    for seed, name in enumerate(_ODD_NAMES, start=10):
        (corpus / name).write_text(make_document(seed, 40))
    latin1 = os.path.join(os.fsencode(corpus), b"latin-\xe9.txt")
    Path(os.fsdecode(latin1)).write_text(make_document(20, 40))


_DEEP = "[" * 100_000 + "]" * 100_000
_BILLION_LAUGHS_CARD = (
    '---\na: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n'
    + "".join(
        f"{name}: &{name} [{', '.join(['*' + below] * 9)}]\n"
        for below, name in zip("abcdefgh", "bcdefghi", strict=True)
    )
    + "---\nA card of 10^9 values.\n"
)

CASES = (
    Case(
        "invalid-utf8",
        _write("bad.txt", lambda: b"Caf\xc3 au lait, \xff\xfe\xfd"),
        problems=("corpus/bad.txt",),
    ),
    Case(
        "utf16-bom",
        _write("utf16.txt", lambda: make_document(2, 60).encode("utf-16")),
        stored=("corpus/utf16.txt",),
    ),
    Case(
        "huge-single-line",
        _write("line.txt", lambda: (make_document(6, 200) + " ").encode() * 24_000),
        stored=("corpus/line.txt",),
    ),
    Case("nul-file", _write("nul.txt", lambda: b"\0" * (1 << 20)), problems=("corpus/nul.txt",)),
    Case(
        "nuls-in-text",
        _write("mixed.txt", lambda: b"text\0with\0nuls " * 1000),
        problems=("corpus/mixed.txt",),
    ),
    Case(
        "truncated-png",
        _write("cut.png", lambda: _picture_png()[:4000]),
        problems=("corpus/cut.png",),
    ),
    Case(
        "garbage-jpeg",
        _write("junk.jpg", lambda: b"\xff\xd8\xff\xe0" + os.urandom(50_000)),
        problems=("corpus/junk.jpg",),
    ),
    Case(
        "pixel-bomb-png",
        _write("bomb.png", lambda: _png_claiming(100_000, 100_000)),
        problems=("corpus/bomb.png",),
    ),
    Case(
        "zeros-bomb-png",
        _write("zeros.png", lambda: _png(Image.new("RGB", (7_500, 7_500)))),
        stored=("corpus/zeros.png",),
    ),
    Case(
        "gif-5000-frames",
        _write("frames.gif", lambda: _gif_of_frames(5_000)),
        stored=("corpus/frames.gif",),
    ),
    Case(
        "huge-exif",
        _write("exif.jpg", lambda: _jpeg_with_exif_copyright(60_000)),
        stored=("corpus/exif.jpg",),
    ),
    Case(
        "huge-xmp",
        _write("xmp.png", lambda: _png_with_xmp(_xmp_rights("R" * (8 << 20)))),
        stored=("corpus/xmp.png",),
    ),
    Case(
        "huge-icc",
        _write("icc.png", lambda: _png(make_picture(6, 128), icc_profile=b"\0" * (256 << 20))),
        problems=("corpus/icc.png",),
    ),
    Case(
        "xmp-entity-expansion",
        _write("laughs.png", lambda: _png_with_xmp(_xmp_rights("&lol9;", _LAUGHS))),
        stored=("corpus/laughs.png",),
    ),
    Case(
        "xmp-external-entity",
        _write(
            "xxe.png",
            lambda: _png_with_xmp(
                _xmp_rights("&e;", '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>')
            ),
        ),
        stored=("corpus/xxe.png",),
    ),
    Case(
        "parquet-garbage",
        _write("junk.parquet", lambda: b"PAR1" + os.urandom(10_000) + b"PAR1"),
        problems=("corpus/junk.parquet",),
    ),
    Case(
        "parquet-footer-claims-4gb",
        _write(
            "footer.parquet",
            lambda: b"PAR1" + b"\0" * 64 + struct.pack("<I", 0xFFFF_FFF0) + b"PAR1",
        ),
        problems=("corpus/footer.parquet",),
    ),
    Case(
        "parquet-truncated",
        _write("cut.parquet", lambda: _parquet(200)[:-3000]),
        problems=("corpus/cut.parquet",),
    ),
    Case(
        "csv-nuls",
        _write("rows.csv", lambda: b"text\nfine row\nnul\0in\0row\nanother fine row\n"),
        problems=("corpus/rows.csv#row=2",),
        stored=("corpus/rows.csv#row=1", "corpus/rows.csv#row=3"),
    ),
    Case(
        "csv-unbalanced-quote",
        _write("rows.csv", lambda: b'text\nfine row\n"never closed, and\nit swallows\nthe rest\n'),
        problems=("corpus/rows.csv",),
        stored=("corpus/rows.csv#row=1",),
    ),
    Case("json-deep", _write("deep.json", lambda: _DEEP.encode()), problems=("corpus/deep.json",)),
    Case(
        "jsonl-deep",
        _write(
            "rows.jsonl", lambda: ('{"text": ' + _DEEP + '}\n{"text": "a fine line"}\n').encode()
        ),
        problems=("corpus/rows.jsonl#line=1",),
        stored=("corpus/rows.jsonl#row=2",),
    ),
    Case(
        "json-huge-integer",
        _write(
            "rows.jsonl",
            lambda: (
                '{"text": "a row", "n": 1' + "0" * 100_000 + '}\n{"text": "a fine line"}\n'
            ).encode(),
        ),
        problems=("corpus/rows.jsonl#line=1",),
        stored=("corpus/rows.jsonl#row=2",),
    ),
    Case(
        "card-yaml-bomb",
        _write("README.md", lambda: _BILLION_LAUGHS_CARD.encode()),
        problems=("corpus/README.md",),
    ),
    Case(
        "card-python-tag",
        _write("README.md", lambda: b'---\nlicense: !!python/object/apply:os.system ["id"]\n---\n'),
        problems=("corpus/README.md",),
    ),
    Case(
        "card-field-of-the-wrong-type",
        _write("README.md", lambda: b"---\nsource_datasets: {nested: [1, 2]}\n---\n"),
        problems=("corpus/README.md",),
    ),
    Case("card-linked-out-of-the-root", _card_linked_out, skipped=("README.md",)),
    Case(
        "tar-traversal",
        _write(
            "escape.tar",
            lambda: _tar(
                {
                    "../../escape.txt": b"out",
                    "/etc/cron.d/x.txt": b"abs",
                    "in.txt": make_document(7, 40).encode(),
                }
            ),
        ),
        problems=("corpus/escape.tar!/../../escape.txt", "corpus/escape.tar!//etc/cron.d/x.txt"),
        stored=("corpus/escape.tar!/in.txt",),
    ),
    Case(
        "zip-bomb",
        _write("bomb.zip", lambda: _zip_bomb()),
        problems=("corpus/bomb.zip!/zeros.txt",),
    ),
    Case("symlink-loop", _symlink_loop, skipped=("loop-a.txt", "loop-b.txt")),
    Case("links-out-of-the-root", _links_out_of_the_root, skipped=("passwd.txt", "root", "up.txt")),
    Case("fifo", _fifo, skipped=("x.txt",)),
    Case(
        "odd-names",
        _odd_names,
        stored=(*(f"corpus/{name}" for name in _ODD_NAMES), "corpus/latin-%E9.txt"),
    ),
)
