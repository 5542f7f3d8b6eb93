"""What a site's policy files say of crawling and mining each of its URLs: robots.txt
(RFC 9309, parsed by `protego`), judged for the crawlers that collect AI training data and for
the crawler's own agent, and TDMRep's `/.well-known/tdmrep.json` (W3C TDM Reservation
Protocol: rules in order, the first whose `location` matches the path applies).

A URL that robots.txt closes to an AI crawler, or that a TDMRep rule reserves, is reserved
for training: both are the machine-readable opt-outs of DSM Art. 4(3). The crawler
(`lineage.fetch`) asks the same questions before each request.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from lineage.crawl.rights import EmbeddedRights
from lineage.vocabulary import TrainingUse

# The product tokens of the crawlers that gather AI training data, which robots.txt files
# address by name (each operator's published token).
AI_CRAWLERS = (
    "GPTBot",
    "CCBot",
    "Google-Extended",
    "ClaudeBot",
    "anthropic-ai",
    "Applebot-Extended",
    "Bytespider",
    "PerplexityBot",
    "Meta-ExternalAgent",
    "cohere-training-data-crawler",
    "Amazonbot",
    "Diffbot",
    "Timpibot",
    "ImagesiftBot",
)
# Google reads at most 500 KiB of a robots.txt; so does every reader here.
MAX_POLICY_BYTES = 500 * 1024


@lru_cache(maxsize=256)
def _parsed_robots(body: str) -> Any:
    from protego import Protego  # imported here: only web corpora need it

    return Protego.parse(body)


@dataclass(frozen=True)
class RobotsTxt:
    """A site's robots.txt, as fetched from `uri` (kept in the archive at `locator`)."""

    uri: str
    locator: str
    body: str

    def closed_to(self, url: str, agents: tuple[str, ...]) -> list[str]:
        """The agents among `agents` that may not fetch `url`."""
        rules = _parsed_robots(self.body[:MAX_POLICY_BYTES])
        return [agent for agent in agents if not rules.can_fetch(url, agent)]

    def delay_for(self, agent: str) -> float | None:
        delay = _parsed_robots(self.body[:MAX_POLICY_BYTES]).crawl_delay(agent)
        return float(delay) if delay is not None else None


@dataclass(frozen=True)
class TdmRule:
    location: str
    reservation: TrainingUse
    policy: str | None

    def matches(self, path: str) -> bool:
        return _location_pattern(self.location).match(path) is not None


@dataclass(frozen=True)
class TdmRepFile:
    """A site's `/.well-known/tdmrep.json`: its rules, in order."""

    uri: str
    locator: str
    rules: tuple[TdmRule, ...]

    @classmethod
    def parse(cls, uri: str, locator: str, body: str) -> TdmRepFile:
        """The file's rules; one that is not a TDMRep rule is left out (the file is the site's
        word, and a malformed entry says nothing)."""
        try:
            entries = json.loads(body[:MAX_POLICY_BYTES])
        except (ValueError, RecursionError):
            entries = []
        rules = [_rule(entry) for entry in entries] if isinstance(entries, list) else []
        return cls(uri, locator, tuple(rule for rule in rules if rule is not None))

    def rule_for(self, url: str) -> TdmRule | None:
        path = urlsplit(url).path or "/"
        return next((rule for rule in self.rules if rule.matches(path)), None)


def _rule(entry: Any) -> TdmRule | None:
    if not isinstance(entry, dict) or not isinstance(entry.get("location"), str):
        return None
    reserved = entry.get("tdm-reservation")
    if reserved not in (0, 1):
        return None
    policy = entry.get("tdm-policy")
    use = TrainingUse.NOT_ALLOWED if reserved == 1 else TrainingUse.ALLOWED
    return TdmRule(entry["location"], use, policy if isinstance(policy, str) else None)


@lru_cache(maxsize=1024)
def _location_pattern(location: str) -> re.Pattern[str]:
    """A TDMRep location as a regular expression: a path prefix in which `*` matches any run of
    characters and a final `$` anchors the end, as in robots.txt."""
    anchored = location.endswith("$")
    body = location[:-1] if anchored else location
    pattern = ".*".join(re.escape(part) for part in body.split("*"))
    return re.compile(pattern + ("$" if anchored else ""))


@dataclass(frozen=True)
class SitePolicy:
    """What one host's policy files say, and of which agents the crawler was."""

    robots: RobotsTxt | None = None
    tdmrep: TdmRepFile | None = None
    own_agents: tuple[str, ...] = ()

    def rights_of(self, url: str) -> EmbeddedRights | None:
        """The signals these files give `url`, each with the file it was read from; None
        where they give none."""
        rights = EmbeddedRights()
        if self.robots is not None:
            where = f"robots.txt({self.robots.locator})"
            for agent in self.robots.closed_to(url, AI_CRAWLERS):
                rights.add_signal(TrainingUse.NOT_ALLOWED, f"{where}:{agent}=disallow")
            for agent in self.robots.closed_to(url, self.own_agents):
                rights.signals.append(f"{where}:{agent}=disallow (fetched against it)")
        rule = self.tdmrep.rule_for(url) if self.tdmrep is not None else None
        if rule is not None and self.tdmrep is not None:
            where = f"tdmrep.json({self.tdmrep.locator}):{rule.location}"
            reserved = int(rule.reservation is TrainingUse.NOT_ALLOWED)
            rights.add_signal(rule.reservation, f"{where}:tdm-reservation={reserved}")
            if rule.policy:
                rights.signals.append(f"{where}:tdm-policy={rule.policy[:500]}")
        return None if rights.is_empty() else rights
