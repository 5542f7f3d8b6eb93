"""Registered domains: `www.a.example` and `news.a.example` are both `a.example`, and
`bbc.co.uk` is not `co.uk`. Judged by the Public Suffix List that `publicsuffixlist` ships
(its own snapshot, read offline), private suffixes included: `foo.github.io` is one site."""

from __future__ import annotations

import ipaddress
from functools import cache
from typing import Any


@cache
def _suffixes() -> Any:
    from publicsuffixlist import PublicSuffixList  # imported here: only summaries need it

    return PublicSuffixList()


@cache
def registered_domain(host: str) -> str:
    """The domain `host` was registered under: the public suffix and one label before it. An
    address, or a host that is a public suffix itself, is its own."""
    host = host.lower().rstrip(".")
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return _suffixes().privatesuffix(host) or host
    return host
