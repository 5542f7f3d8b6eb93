"""The query stage: the questions the lineage database answers.

"What data trained model X?" (`trained_on`, through base models and derived datasets, with
verdicts on intended uses), "which models saw this work?" (`lookup_text`, `lookup_image`,
`lookup_path`), how much of one dataset is in another (`dataset_overlap`), declared against
found licences (`audit_licenses`), datasets (`list_datasets`, `describe_dataset`), and plain
read-only SQL through DuckDB (`lineage.query.sql`, imported apart: DuckDB takes a while to load).
"""

from lineage.query.datasets import describe_dataset, list_datasets
from lineage.query.graph import LineageGraph, describe_path
from lineage.query.license_audit import audit_licenses
from lineage.query.lookup import Match, lookup_image, lookup_path, lookup_text
from lineage.query.models import ModelListing, list_models
from lineage.query.overlap import dataset_overlap
from lineage.query.training_data import TrainingDataReport, trained_on
from lineage.query.verdicts import USES, UseVerdict, use_verdict

__all__ = [
    "USES",
    "LineageGraph",
    "Match",
    "ModelListing",
    "TrainingDataReport",
    "UseVerdict",
    "audit_licenses",
    "dataset_overlap",
    "describe_dataset",
    "describe_path",
    "list_datasets",
    "list_models",
    "lookup_image",
    "lookup_path",
    "lookup_text",
    "trained_on",
    "use_verdict",
]
