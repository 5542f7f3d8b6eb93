"""The `lineage` command line: a thin click layer over the `lineage` library."""
