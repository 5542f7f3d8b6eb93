"""The `lineage` command line: a thin click layer over the `lineage` library."""

import gc


def run() -> None:
    """The `lineage` executable. It starts with the cyclic garbage collector off: start-up
    makes many objects (modules, classes, the schema's tables) that live as long as the
    process, and the collector's passes over them cost a lookup about a tenth of its time.
    The group turns it back on, with all that frozen, once the command's module is loaded."""
    gc.disable()
    from cli.main import cli  # imported with the collector off, hence here

    cli.collector_paused = True
    cli(prog_name="lineage")
