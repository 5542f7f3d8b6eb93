"""Licence evidence rows: replaced per crawled root, read back as they were written."""

from __future__ import annotations

from pathlib import Path

from lineage.licenses import Evidence
from lineage.store import connect, ensure_dataset_version, session_scope
from lineage.store.evidence import replace_evidence, stored_evidence
from lineage.vocabulary import EvidenceRole, LicenseOrigin


def _licence_file(locator: str, spdx: str) -> Evidence:
    return Evidence(
        EvidenceRole.FOUND,
        spdx,
        LicenseOrigin.LICENSE_FILE,
        locator,
        "exact",
        sha256="ab" * 32,
        span=(0, 120),
        score=99.5,
        raw="MIT License ...",
    )


def test_evidence_reads_back_as_written(tmp_path: Path):
    engine = connect(f"sqlite:///{tmp_path / 'evidence.db'}")
    declared = Evidence(
        EvidenceRole.DECLARED, "CC-BY-4.0", LicenseOrigin.ARGUMENT, "a#--license", "declaration"
    )
    with session_scope(engine) as session:
        version_id = ensure_dataset_version(session, "d", None).id
        replace_evidence(session, version_id, ["a"], [_licence_file("a/LICENSE", "MIT"), declared])
    with session_scope(engine) as session:
        stored = stored_evidence(session, version_id)

    assert stored == [declared, _licence_file("a/LICENSE", "MIT")]  # declarations first


def test_replacing_one_roots_evidence_keeps_the_others(tmp_path: Path):
    engine = connect(f"sqlite:///{tmp_path / 'evidence.db'}")
    with session_scope(engine) as session:
        version_id = ensure_dataset_version(session, "d", None).id
        replace_evidence(
            session,
            version_id,
            ["a", "b"],
            [_licence_file("a/LICENSE", "MIT"), _licence_file("b/LICENSE", "MIT")],
        )
    with session_scope(engine) as session:
        replace_evidence(session, version_id, ["a"], [_licence_file("a/sub/COPYING", "Apache-2.0")])
        stored = stored_evidence(session, version_id)

    assert [(item.locator, item.spdx) for item in stored] == [
        ("a/sub/COPYING", "Apache-2.0"),
        ("b/LICENSE", "MIT"),
    ]
