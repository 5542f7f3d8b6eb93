"""The corpus safety check of GB/T 45654-2025 (basic security requirements for generative AI
services): a reproducible random sample of the training content for reviewers
(`draw_sample`), and their verdicts recorded against it (`record_reviews`). The pass rates
and the thresholds they are judged by are read by `lineage.query.safety`."""

from lineage.safety.reviews import ReviewSummary, record_reviews
from lineage.safety.sampling import DrawnSample, draw_sample

__all__ = ["DrawnSample", "ReviewSummary", "draw_sample", "record_reviews"]
