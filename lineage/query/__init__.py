"""The query stage: the questions the lineage database answers.

"What data trained model X?" (`trained_on`, through base models and derived datasets, with
verdicts on intended uses), "which models saw this work?" (`lookup_text`, `lookup_image`,
`lookup_path`), how much of one dataset is in another (`dataset_overlap`), declared against
found licences (`audit_licenses`), datasets (`list_datasets`, `describe_dataset`), and plain
read-only SQL through DuckDB (`lineage.query.sql`, imported apart: DuckDB takes a while to load).
Each name below loads its module when first used: a lookup loads neither SQLAlchemy nor the
other questions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import lazy_loader

if TYPE_CHECKING:
    from lineage.query.datasets import (
        describe_dataset as describe_dataset,
        list_datasets as list_datasets,
    )
    from lineage.query.graph import (
        LineageGraph as LineageGraph,
        describe_path as describe_path,
    )
    from lineage.query.license_audit import (
        audit_licenses as audit_licenses,
    )
    from lineage.query.lookup import (
        Match as Match,
        lookup_image as lookup_image,
        lookup_path as lookup_path,
        lookup_text as lookup_text,
    )
    from lineage.query.models import (
        ModelListing as ModelListing,
        list_models as list_models,
    )
    from lineage.query.overlap import (
        dataset_overlap as dataset_overlap,
    )
    from lineage.query.training_data import (
        TrainingDataReport as TrainingDataReport,
        trained_on as trained_on,
    )
    from lineage.query.verdicts import (
        USES as USES,
        UseVerdict as UseVerdict,
        use_verdict as use_verdict,
    )

# Each name is imported from its module when first used.
__getattr__, __dir__, __all__ = lazy_loader.attach(
    __name__,
    submod_attrs={
        "datasets": ["describe_dataset", "list_datasets"],
        "graph": ["LineageGraph", "describe_path"],
        "license_audit": ["audit_licenses"],
        "lookup": ["Match", "lookup_image", "lookup_path", "lookup_text"],
        "models": ["ModelListing", "list_models"],
        "overlap": ["dataset_overlap"],
        "training_data": ["TrainingDataReport", "trained_on"],
        "verdicts": ["USES", "UseVerdict", "use_verdict"],
    },
)
