"""robots.txt and tdmrep.json as `lineage.crawl.site_policy` judges them."""

from __future__ import annotations

from lineage.crawl.site_policy import AI_CRAWLERS, RobotsTxt, SitePolicy, TdmRepFile
from lineage.vocabulary import TrainingUse

ROBOTS = (
    "User-agent: *\nDisallow: /private/\n\n"
    "User-agent: GPTBot\nUser-agent: CCBot\nDisallow: /\n\n"
    "User-agent: Google-Extended\nDisallow: /books/\nAllow: /books/free/\n"
)


def test_robots_txt_is_judged_for_each_ai_crawler_and_the_crawlers_own_agent():
    robots = RobotsTxt("https://a.example/robots.txt", "crawl.warc#record=1", ROBOTS)

    assert robots.closed_to("https://a.example/news", AI_CRAWLERS) == ["GPTBot", "CCBot"]
    assert robots.closed_to("https://a.example/books/x", ("Google-Extended",)) == [
        "Google-Extended"
    ]
    assert robots.closed_to("https://a.example/books/free/x", ("Google-Extended",)) == []
    assert robots.closed_to("https://a.example/private/a", ("my-crawler/2.0",)) == [
        "my-crawler/2.0"
    ]


def test_a_url_robots_txt_closes_to_ai_crawlers_is_reserved_with_its_evidence():
    policy = SitePolicy(
        RobotsTxt("https://a.example/robots.txt", "crawl.warc#record=1", ROBOTS),
        own_agents=("my-crawler/2.0",),
    )

    rights = policy.rights_of("https://a.example/private/a")
    assert rights is not None and rights.training_use is TrainingUse.NOT_ALLOWED
    assert "robots.txt(crawl.warc#record=1):GPTBot=disallow=notAllowed" in rights.signals
    assert any("my-crawler/2.0=disallow (fetched against it)" in s for s in rights.signals)
    empty = SitePolicy(RobotsTxt("u", "l", "User-agent: *\nAllow: /\n"))
    assert empty.rights_of("https://a.example/x") is None


def test_tdmrep_rules_apply_in_order_the_first_match_wins():
    tdmrep = TdmRepFile.parse(
        "https://b.example/.well-known/tdmrep.json",
        "crawl.warc#record=2",
        '[{"location": "/open/*", "tdm-reservation": 0},'
        ' {"location": "/*.pdf$", "tdm-reservation": 1, "tdm-policy": "https://b.example/p"},'
        ' {"location": "/", "tdm-reservation": 1},'
        ' {"location": 7, "tdm-reservation": 1}, "junk"]',
    )

    assert len(tdmrep.rules) == 3  # the malformed entries say nothing
    assert tdmrep.rule_for("https://b.example/open/a.pdf").reservation is TrainingUse.ALLOWED
    pdf = tdmrep.rule_for("https://b.example/papers/a.pdf")
    assert (pdf.location, pdf.policy) == ("/*.pdf$", "https://b.example/p")
    assert tdmrep.rule_for("https://b.example/papers/a.pdf.html").location == "/"
    rights = SitePolicy(tdmrep=tdmrep).rights_of("https://b.example/papers/a.pdf")
    assert rights is not None and rights.training_use is TrainingUse.NOT_ALLOWED
    assert any(s.endswith("tdm-policy=https://b.example/p") for s in rights.signals)


def test_a_tdmrep_file_that_is_not_json_has_no_rules():
    assert TdmRepFile.parse("u", "l", "<html>not found</html>").rules == ()
    assert TdmRepFile.parse("u", "l", '{"location": "/"}').rules == ()
