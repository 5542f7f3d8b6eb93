"""The readers behind the reader interface: each reads a blob of its format into items."""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from lineage.crawl import READERS, Blob, ContentItem, ItemProblem, ReadOptions, reader_for
from lineage.errors import InputError
from lineage.vocabulary import LicenseOrigin, RecordKind
from tests.conftest import make_picture


@dataclass(frozen=True)
class MemoryBlob:
    """A blob held in memory: what an archive member will look like to a reader."""

    locator: str
    content: bytes

    @property
    def name(self) -> str:
        return self.locator.rpartition("/")[2]

    def open(self) -> io.BytesIO:
        return io.BytesIO(self.content)

    def read(self) -> bytes:
        return self.content


def _read(blob: Blob, text_field: str | None = None) -> list[ContentItem | ItemProblem]:
    reader = reader_for(blob.name)
    assert reader is not None
    return list(reader.read(blob, ReadOptions(text_field=text_field)))


def test_every_suffix_has_one_reader_whatever_its_case():
    suffixes = [suffix for reader in READERS for suffix in reader.suffixes]

    assert len(suffixes) == len(set(suffixes))
    for reader in READERS:
        for suffix in reader.suffixes:
            assert reader_for(f"a{suffix.upper()}") is reader
    assert reader_for("notes.docx") is None and reader_for("Makefile") is None


def test_a_text_file_is_one_item_with_its_spdx_header():
    items = _read(MemoryBlob("c/a.md", b"\xef\xbb\xbf# SPDX-License-Identifier: MIT\nHello."))

    assert items == [
        ContentItem(
            "c/a.md",
            RecordKind.TEXT,
            b"\xef\xbb\xbf# SPDX-License-Identifier: MIT\nHello.",
            text="# SPDX-License-Identifier: MIT\nHello.",
            license="MIT",
            license_origin=LicenseOrigin.SPDX_HEADER,
        )
    ]


def test_invalid_utf8_text_is_an_error_of_the_whole_blob():
    with pytest.raises(InputError, match=r"c/bad.txt: invalid UTF-8 at byte 1"):
        _read(MemoryBlob("c/bad.txt", b"a\xff"))


def test_jsonl_lines_become_rows_and_bad_lines_problems_of_their_own():
    lines = [
        json.dumps({"text": "one", "license": "CC0-1.0", "url": "https://a.example/1"}),
        "",
        "{not json",
        json.dumps(["a list"]),
        json.dumps({"text": 7}),
        json.dumps({"text": "five"}),
    ]
    items = _read(MemoryBlob("c/t.jsonl", "\n".join(lines).encode()))

    assert [
        (item.locator, item.text, item.license, item.source_uri)
        for item in items
        if isinstance(item, ContentItem)
    ] == [
        ("c/t.jsonl#row=1", "one", "CC0-1.0", "https://a.example/1"),
        ("c/t.jsonl#row=6", "five", None, None),
    ]
    assert [(p.locator, p.error_type) for p in items if isinstance(p, ItemProblem)] == [
        ("c/t.jsonl#line=3", "invalid-json"),
        ("c/t.jsonl#line=4", "not-an-object"),
        ("c/t.jsonl#row=5", "no-text-field"),
    ]


def test_a_json_array_csv_and_parquet_read_alike():
    rows = [{"id": "1", "body": "first"}, {"id": "2", "body": "second"}]
    table = io.BytesIO()
    pq.write_table(pa.Table.from_pylist(rows), table)
    blobs = [
        MemoryBlob("c/t.json", json.dumps(rows).encode()),
        MemoryBlob("c/t.csv", b"id,body\r\n1,first\r\n2,second\r\n"),
        MemoryBlob("c/t.parquet", table.getvalue()),
    ]

    for blob in blobs:
        items = _read(blob)
        assert [(item.locator, item.text) for item in items if isinstance(item, ContentItem)] == [
            (f"{blob.locator}#row=1", "first"),
            (f"{blob.locator}#row=2", "second"),
        ], blob.name


@pytest.mark.parametrize(
    ("content", "where"),
    [
        # A quote never closed: the reader fails only at the end, five lines on.
        (b'text\nfine\n"never closed\nand\nthe rest\n', "lines 3-5: unexpected end of data"),
        (b'text\nfine\n"quoted" then more\nok\n', "line 3: ',' expected after '\"'"),
        (b'text\n"a cell\nof two lines"\n"x" y\n', "line 4: ',' expected"),
    ],
)
def test_a_malformed_csv_row_is_named_by_the_lines_it_starts_and_ends_on(
    content: bytes, where: str
):
    with pytest.raises(InputError, match=f"c/t.csv: malformed CSV row at {re.escape(where)}"):
        _read(MemoryBlob("c/t.csv", content))


def test_a_named_text_field_is_read_and_a_missing_one_is_an_error():
    blob = MemoryBlob("c/t.csv", b"title,method\r\nSoup,Boil it.\r\n")

    assert [item.text for item in _read(blob, text_field="method")] == ["Boil it."]
    with pytest.raises(InputError, match=r"no text field .* \[method, title\]"):
        _read(blob)


def test_an_image_is_one_item_with_its_bytes_as_they_are():
    encoded = io.BytesIO()
    make_picture(3, size=32).save(encoded, format="PNG")

    (item,) = _read(MemoryBlob("c/p.png", encoded.getvalue()))

    assert isinstance(item, ContentItem)
    assert (item.kind, item.data, item.rights) == (RecordKind.IMAGE, encoded.getvalue(), None)
    assert item.license_origin == LicenseOrigin.IMAGE_METADATA


def test_a_truncated_parquet_file_is_an_error_of_the_whole_blob():
    with pytest.raises(InputError, match="not a readable Parquet file"):
        _read(MemoryBlob("c/t.parquet", b"PAR1\x00\x00garbage"))
