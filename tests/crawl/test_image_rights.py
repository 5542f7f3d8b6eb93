"""Rights carried in image metadata: read from EXIF, IPTC, XMP and C2PA, stored on records,
and judged: a reservation of AI training blocks commercial use of a model trained on it."""

from __future__ import annotations

import io
import json
from pathlib import Path

from PIL import Image, PngImagePlugin
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from lineage.crawl.image_rights import read_embedded_rights
from lineage.store.schema import Occurrence, Record
from tests.conftest import make_document, write_jsonl
from tests.crawl.rights_fixtures import c2pa_signed, jpeg, xmp_packet

RESERVED_PLUS = "http://ns.useplus.org/ldf/vocab/DMI-PROHIBITED-AIMLTRAINING"
CC_BY_NC = "https://creativecommons.org/licenses/by-nc/4.0/"


def test_exif_copyright_and_artist_are_read():
    rights = read_embedded_rights(jpeg(1, exif={0x8298: "(c) 2025 Ana Ruiz", 0x013B: "Ana Ruiz"}))

    assert rights is not None
    assert rights.copyright == ["(c) 2025 Ana Ruiz"] and rights.creators == ["Ana Ruiz"]
    assert rights.training_use is None and rights.license is None


def test_iptc_copyright_notice_and_byline_are_read():
    rights = read_embedded_rights(jpeg(2, iptc={116: "Photo: Kai Lee", 80: "Kai Lee"}))

    assert rights is not None
    assert rights.copyright == ["Photo: Kai Lee"] and rights.creators == ["Kai Lee"]


def test_xmp_rights_licence_and_data_mining_reservation_are_read():
    data = jpeg(
        3,
        xmp={
            "dc:rights": "(c) 2024 Studio Nord",
            "xmpRights:UsageTerms": "Editorial use only",
            "xmpRights:WebStatement": CC_BY_NC,
            "plus:DataMining": RESERVED_PLUS,
        },
    )

    rights = read_embedded_rights(data)

    assert rights is not None
    assert rights.copyright == ["(c) 2024 Studio Nord"]
    assert rights.usage_terms == ["Editorial use only"]
    assert rights.license == "CC-BY-NC-4.0"
    assert rights.training_use == "notAllowed"
    assert rights.signals == ["xmp:plus:DataMining=notAllowed"]


def test_tdmrep_reservation_in_xmp_is_a_reservation():
    rights = read_embedded_rights(jpeg(4, xmp={"tdm:reservation": "1"}))

    assert rights is not None and rights.training_use == "notAllowed"


def test_free_text_terms_are_kept_but_never_taken_for_a_licence():
    rights = read_embedded_rights(jpeg(5, xmp={"xmpRights:UsageTerms": "All rights reserved"}))

    assert rights is not None and rights.license is None
    assert rights.usage_terms == ["All rights reserved"]


def test_c2pa_training_mining_assertion_reserves_training():
    data = c2pa_signed(jpeg(6), {"cawg.ai_training": "notAllowed", "cawg.ai_inference": "allowed"})

    rights = read_embedded_rights(data)

    assert rights is not None
    assert rights.training_use == "notAllowed"
    assert rights.signals == ["c2pa:cawg.training-mining:cawg.ai_training=notAllowed"]
    # Signed with a throwaway chain: valid, though no trust list knows it.
    assert rights.c2pa_validation == "Valid"


def test_c2pa_1_label_and_inference_only_limits_are_read_as_such():
    data = c2pa_signed(
        jpeg(7),
        {"c2pa.ai_generative_training": "allowed", "c2pa.ai_inference": "notAllowed"},
        label="c2pa.training-mining",
    )

    rights = read_embedded_rights(data)

    assert rights is not None and rights.training_use == "allowed"


def test_a_tampered_c2pa_image_is_read_with_its_failed_validation():
    signed = c2pa_signed(jpeg(8), {"cawg.data_mining": "constrained"})
    image = Image.open(io.BytesIO(signed))
    tampered = io.BytesIO()
    image.save(tampered, "JPEG", quality=60, xmp=image.info.get("xmp"))
    # Re-encoding drops the manifest: the signal goes with it rather than being forged.
    assert read_embedded_rights(tampered.getvalue()) is None
    flipped = bytearray(signed)
    flipped[-100] ^= 0xFF  # inside the compressed pixels the manifest hashes

    rights = read_embedded_rights(bytes(flipped))

    assert rights is not None and rights.training_use == "constrained"
    assert rights.c2pa_validation == "Invalid"


def test_hostile_xmp_is_refused_without_harm():
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">&b;</x:xmpmeta>'
    )
    buffer = io.BytesIO()
    Image.new("RGB", (32, 32)).save(buffer, "JPEG", xmp=bomb.encode())

    rights = read_embedded_rights(buffer.getvalue())

    assert rights is not None and rights.signals == ["xmp=unreadable"]


def test_a_plain_image_carries_no_rights():
    assert read_embedded_rights(jpeg(9)) is None
    assert read_embedded_rights(b"not an image at all") is None


def _ingest_mixed_corpus(tmp_path: Path, run_cli) -> None:
    """Texts under CC-BY, CC-BY-NC, CC0 and no licence, and pictures: one reserved by C2PA,
    one reserved by IPTC PLUS, one CC BY-NC by its web statement, one plain."""
    licences = ["CC-BY-4.0", "CC-BY-NC-4.0", "CC0-1.0", None]
    rows = []
    for index in range(8):
        row = {"text": make_document(index), "url": f"https://example.org/{index}"}
        if licences[index % 4]:
            row["license"] = licences[index % 4]
        rows.append(row)
    write_jsonl(tmp_path / "texts.jsonl", rows)
    pictures = tmp_path / "pictures"
    pictures.mkdir()
    (pictures / "c2pa.jpg").write_bytes(c2pa_signed(jpeg(20), {"cawg.ai_training": "notAllowed"}))
    (pictures / "plus.jpg").write_bytes(jpeg(21, xmp={"plus:DataMining": RESERVED_PLUS}))
    (pictures / "nc.jpg").write_bytes(jpeg(22, xmp={"xmpRights:WebStatement": CC_BY_NC}))
    (pictures / "plain.jpg").write_bytes(jpeg(23))
    assert run_cli("ingest", tmp_path / "texts.jsonl", "--dataset", "texts").exit_code == 0
    result = run_cli("ingest", pictures, "--dataset", "pictures", "--license", "CC-BY-4.0")
    assert result.exit_code == 0, result.output
    assert (
        run_cli("model", "register", "m", "--dataset", "texts", "--dataset", "pictures").exit_code
        == 0
    )


def test_rights_are_stored_on_records_and_licences_taken_from_metadata(
    tmp_path: Path, run_cli, db_url
):
    _ingest_mixed_corpus(tmp_path, run_cli)

    with Session(create_engine(db_url)) as session:
        rows = session.execute(
            select(
                Occurrence.locator, Occurrence.license_origin, Record.training_use, Record.rights
            )
            .join(Record, Record.id == Occurrence.record_id)
            .where(Occurrence.locator.like("pictures/%"))
            .order_by(Occurrence.locator)
        ).all()
    by_locator = {locator: (origin, use, rights) for locator, origin, use, rights in rows}
    assert by_locator["pictures/c2pa.jpg"][1] == "notAllowed"
    assert by_locator["pictures/c2pa.jpg"][2]["c2pa_validation"] == "Valid"
    assert by_locator["pictures/plus.jpg"][1] == "notAllowed"
    assert by_locator["pictures/nc.jpg"][0] == "image-metadata"
    assert by_locator["pictures/plain.jpg"] == ("argument", None, None)


def test_reserved_records_block_commercial_use_and_constrain_research(tmp_path: Path, run_cli):
    _ingest_mixed_corpus(tmp_path, run_cli)

    commercial = run_cli("trained", "m", "--use", "commercial", "--json")
    research = run_cli("trained", "m", "--use", "research", "--json")

    assert commercial.exit_code == 3
    blocking = {
        (f["dataset"], f["license"], f["records"]): f["reason"]
        for f in json.loads(commercial.output)["verdict"]["blocking"]
    }
    assert blocking == {
        (
            "pictures",
            None,
            2,
        ): "rights holder reserved AI training (in the work, its headers or its site's files)",
        ("pictures", "CC-BY-NC-4.0", 1): "licence forbids commercial use",
        ("texts", "CC-BY-NC-4.0", 2): "licence forbids commercial use",
        ("texts", "NOASSERTION", 2): "licence unknown: no grant to rely on",
    }
    assert research.exit_code == 0
    report = json.loads(research.output)
    reserved = [f for f in report["verdict"]["constraining"] if f["license"] is None]
    assert [(f["records"], "Art. 3" in f["reason"]) for f in reserved] == [(2, True)]
    pictures = next(use for use in report["datasets"] if use["dataset"] == "pictures")
    assert pictures["training_use"] == {"notAllowed": 2}
    assert "rights-reserved" in pictures["flags"]


def test_the_public_summary_and_sql_report_reserved_records(tmp_path: Path, run_cli):
    _ingest_mixed_corpus(tmp_path, run_cli)

    summary = json.loads(run_cli("export", "m", "--format", "json").output)
    markdown = run_cli("export", "m", "--format", "markdown").output
    rows = run_cli(
        "sql",
        "--json",
        "SELECT locator FROM record_locations WHERE training_use = 'notAllowed' ORDER BY 1",
    )

    rights = summary["data_processing"]["respect_of_reservation_of_rights"]
    assert rights["records_by_embedded_training_signal"] == {"notAllowed": 2}
    assert "2 records reserve AI training, in their own metadata" in markdown
    assert json.loads(rows.output)[-1]["rows"] == [["pictures/c2pa.jpg"], ["pictures/plus.jpg"]]


def test_malformed_c2pa_assertions_are_noted_and_the_ingest_goes_on(tmp_path: Path, run_cli):
    folder = tmp_path / "odd"
    folder.mkdir()
    odd = c2pa_signed(jpeg(30), {"cawg.ai_training": ["notAllowed"], "cawg.data_mining": 7})
    (folder / "odd.jpg").write_bytes(odd)

    result = run_cli("ingest", folder, "--dataset", "odd")

    assert result.exit_code == 0, result.output
    rights = read_embedded_rights(odd)
    assert rights is not None and rights.training_use is None
    assert rights.signals == [
        "c2pa:cawg.training-mining:cawg.ai_training=malformed",
        "c2pa:cawg.training-mining:cawg.data_mining=malformed",
    ]


def test_an_oversized_xmp_packet_is_noted_not_silently_skipped():
    packet = xmp_packet({"dc:rights": "x" * (2 * 1024 * 1024)})
    text_chunks = PngImagePlugin.PngInfo()
    text_chunks.add_itxt("XML:com.adobe.xmp", packet.decode())
    buffer = io.BytesIO()
    Image.new("RGB", (32, 32)).save(buffer, "PNG", pnginfo=text_chunks)

    rights = read_embedded_rights(buffer.getvalue())

    assert rights is not None and rights.signals == ["xmp=too-large"]


def test_records_stored_before_rights_were_read_get_them_on_re_ingest(
    tmp_path: Path, run_cli, db_url
):
    folder = tmp_path / "old"
    folder.mkdir()
    (folder / "reserved.jpg").write_bytes(jpeg(33, xmp={"plus:DataMining": RESERVED_PLUS}))
    assert run_cli("ingest", folder, "--dataset", "old").exit_code == 0
    engine = create_engine(db_url)
    with engine.begin() as connection:
        connection.execute(Record.__table__.update().values(rights=None, training_use=None))

    assert run_cli("ingest", folder, "--dataset", "old").exit_code == 0

    with Session(engine) as session:
        assert session.scalars(select(Record.training_use)).all() == ["notAllowed"]
