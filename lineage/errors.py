"""The exception hierarchy: every error a user can cause is a LineageError."""


class LineageError(Exception):
    """Base class for errors the CLI reports as a one-line message with exit code 1."""


class NotFoundError(LineageError):
    """A named dataset, version or model does not exist in the lineage database."""


class InputError(LineageError):
    """An input file or argument cannot be read or understood."""


class FingerprintError(InputError):
    """Content could not be fingerprinted (corrupt image, undecodable text)."""


class LicenseError(LineageError):
    """A licence expression is malformed beyond what can be kept as a LicenseRef."""


class IncompatibleFingerprintError(LineageError):
    """Two signatures were made with different parameters and cannot be compared."""


class SqlSandboxError(LineageError):
    """A query sent to `lineage sql` was refused or failed."""


class DatabaseUnavailableError(LineageError):
    """The lineage database cannot be opened: the driver's reason, on one line (libpq's
    messages run over several)."""

    def __init__(self, reason: object) -> None:
        super().__init__(f"cannot open the lineage database: {' '.join(str(reason).split())}")
