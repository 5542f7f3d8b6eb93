"""The rows of the lineage graph: found or created once, named and resolved by reference."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from lineage.errors import InputError, NotFoundError
from lineage.store import (
    connect,
    ensure_dataset_version,
    ensure_license,
    ensure_source,
    resolve_dataset_version,
    session_scope,
    split_ref,
)
from lineage.store.schema import License, Source
from lineage.vocabulary import LicenseCategory, SourceKind


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    return connect(f"sqlite:///{tmp_path / 'rows.db'}")


def test_a_licence_is_stored_once_under_its_normalised_expression(engine: Engine):
    with session_scope(engine) as session:
        first = ensure_license(session, "apache-2.0")
        again = ensure_license(session, "Apache-2.0")
        unknown = ensure_license(session, None)

        assert first.id == again.id and first.spdx == "Apache-2.0"
        assert first.category == LicenseCategory.PERMISSIVE
        assert first.commercial_use is True and first.attribution_required is True
        assert unknown.spdx == "NOASSERTION" and unknown.category == LicenseCategory.UNKNOWN
        assert session.scalar(select(func.count()).select_from(License)) == 2


@pytest.mark.parametrize(
    ("uri", "kind", "domain"),
    [
        ("https://www.Example.org/page?x=1", SourceKind.WEB, "www.example.org"),
        ("hf://datasets/HuggingFaceFW/fineweb-edu", SourceKind.HUB, None),
        ("vendor://acme/licensed-news", SourceKind.VENDOR, None),
        ("file:///data/corpus", SourceKind.LOCAL, None),
    ],
)
def test_a_source_knows_its_kind_and_web_domain(
    engine: Engine, uri: str, kind: SourceKind, domain: str | None
):
    with session_scope(engine) as session:
        source = ensure_source(session, uri)
        assert ensure_source(session, uri).id == source.id
        assert (source.kind, source.domain) == (kind, domain)
        assert session.scalar(select(func.count()).select_from(Source)) == 1


def test_versions_default_to_1_then_to_the_latest(engine: Engine):
    with session_scope(engine) as session:
        first = ensure_dataset_version(session, "web", None)
        second = ensure_dataset_version(session, "web", "2")

        assert first.version == "1"
        assert ensure_dataset_version(session, "web", None).id == second.id
        assert resolve_dataset_version(session, "web").id == second.id
        assert resolve_dataset_version(session, "web@1").id == first.id


def test_references_that_name_nothing_are_clear_errors(engine: Engine):
    with session_scope(engine) as session:
        ensure_dataset_version(session, "web", None)
        with pytest.raises(NotFoundError, match=r"no version '9' \(it has: 1\)"):
            resolve_dataset_version(session, "web@9")
        with pytest.raises(NotFoundError, match="no dataset named 'books'"):
            resolve_dataset_version(session, "books")
        with pytest.raises(InputError, match="not a dataset reference"):
            split_ref("@1")
        with pytest.raises(InputError, match="invalid dataset name"):
            ensure_dataset_version(session, "two words", None)
    assert split_ref("web@2") == ("web", "2") and split_ref("web") == ("web", None)
