"""`lineage check`: the corpus safety check, from the sample to the verdicts and their
thresholds, in `trained` and in the China corpus record."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import make_document, write_jsonl


def _world(tmp_path: Path, run_cli) -> None:
    for name, count, first in (("forum", 30, 0), ("news", 70, 1000)):
        rows = [
            {"text": make_document(first + i), "url": f"https://{name}.example/{i}"}
            for i in range(count)
        ]
        write_jsonl(tmp_path / f"{name}.jsonl", rows)
        run_cli("ingest", tmp_path / f"{name}.jsonl", "--dataset", name, "--channel", "crawled")
    run_cli("model", "register", "base", "--dataset", "news")
    run_cli("model", "register", "tuned", "--dataset", "forum", "--base-model", "base")


def _draw(run_cli, path: Path, seed: int, size: int = 40) -> list[dict]:
    result = run_cli(
        "check", "sample", "--model", "tuned", "--size", str(size), "--seed", str(seed), "-o", path
    )
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_the_same_seed_draws_the_same_sample_from_the_whole_lineage(tmp_path, run_cli):
    _world(tmp_path, run_cli)
    first = _draw(run_cli, tmp_path / "a.jsonl", seed=7)
    again = _draw(run_cli, tmp_path / "b.jsonl", seed=7)
    other = _draw(run_cli, tmp_path / "c.jsonl", seed=8)

    key = [(item["dataset"], item["locator"]) for item in first]
    assert key == [(item["dataset"], item["locator"]) for item in again]
    assert key != [(item["dataset"], item["locator"]) for item in other]
    assert (first[0]["sample"], again[0]["sample"]) == (1, 2)  # each draw is recorded
    assert [item["item"] for item in first] == list(range(1, 41))
    assert {item["dataset"] for item in first} == {"forum@1", "news@1"}  # base model's data too
    assert all(item["verdict"] is None and len(item["record_sha256"]) == 64 for item in first)
    rows = json.loads(
        run_cli("sql", "SELECT seed, size, population FROM safety_samples", "--json").output
    )[0]["rows"]
    assert rows[0] == [7, 40, 100]
    whole = _draw(run_cli, tmp_path / "d.jsonl", seed=1, size=5000)
    assert len(whole) == 100  # fewer than asked: every item


def _review(path: Path, illegal_in: str | None = None, fails: int = 0) -> Path:
    items = [json.loads(line) for line in path.read_text().splitlines()]
    for number, item in enumerate(items):
        item["verdict"] = "pass"
        if illegal_in is not None and item["dataset"] == illegal_in:
            item["verdict"] = "illegal"
        elif number < fails:
            item["verdict"] = "fail"
        item["reviewer"] = "reviewer-1"
    reviewed = path.with_suffix(".reviewed.jsonl")
    reviewed.write_text("".join(json.dumps(item) + "\n" for item in items))
    return reviewed


def test_verdicts_are_judged_against_the_thresholds(tmp_path, run_cli):
    _world(tmp_path, run_cli)
    sample = tmp_path / "sample.jsonl"
    _draw(run_cli, sample, seed=3, size=100)

    assert run_cli("check", "status", "tuned").exit_code == 3  # nothing reviewed yet
    result = run_cli("check", "record", _review(sample))
    assert result.output == "100 verdict(s) recorded for sample(s) 1\n"
    status = run_cli("check", "status", "tuned", "--json")
    assert status.exit_code == 0, status.output
    assert json.loads(status.output)["pass_rate"] == 1.0

    run_cli("check", "record", _review(sample, fails=5))  # 95% passing, under 96%
    status = run_cli("check", "status", "tuned", "--json")
    assert status.exit_code == 3
    assert json.loads(status.output)["findings"] == ["pass rate 95.0%, under 96%"]
    assert run_cli("check", "status", "tuned", "--min-pass-rate", "0.9").exit_code == 0
    report = json.loads(run_cli("trained", "tuned", "--json").output)
    assert "safety-check-not-passed" in report["flags"]


def test_a_source_with_too_much_illegal_content_is_flagged_not_to_be_used(tmp_path, run_cli):
    _world(tmp_path, run_cli)
    sample = tmp_path / "sample.jsonl"
    _draw(run_cli, sample, seed=3, size=100)
    run_cli("check", "record", _review(sample, illegal_in="forum@1"))

    check = json.loads(run_cli("check", "status", "tuned", "--json").output)
    sources = {source["dataset"]: source for source in check["sources"]}
    assert sources["forum@1"]["not_to_be_used"] and not sources["news@1"]["not_to_be_used"]
    report = json.loads(run_cli("trained", "tuned", "--json").output)
    flags = {d["dataset"]: d["flags"] for d in report["datasets"]}
    assert "unsafe-source" in flags["forum"] and "unsafe-source" not in flags["news"]
    record = run_cli("export", "tuned", "--format", "cn-corpus").output
    assert "| forum@1 | 30 | 30 | 30 | yes |" in record
    assert "结论 Result: 不合格 not passed" in record


def test_a_bad_results_file_is_refused_whole_with_its_line(tmp_path, run_cli):
    _world(tmp_path, run_cli)
    sample = tmp_path / "sample.jsonl"
    _draw(run_cli, sample, seed=3, size=10)
    results = tmp_path / "results.jsonl"
    for content, expected in (
        ('{"sample": 1, "item": 1, "verdict": "ok"}\n', "line 1: `verdict` must be one of"),
        (
            '{"sample": 1, "item": 1, "verdict": "pass"}\n{"sample": 1, "item": 99, '
            '"verdict": "pass"}\n',
            "line 2: sample 1 has no item 99",
        ),
        ("not json\n", "line 1 is not JSON"),
        ('{"sample": "1", "item": 1, "verdict": "pass"}\n', "must be integers"),
    ):
        results.write_text(content)
        result = run_cli("check", "record", results)
        assert result.exit_code == 1 and expected in result.output, result.output
    reviewed = json.loads(
        run_cli("sql", "SELECT count(verdict) FROM safety_sample_items", "--json").output
    )[0]["rows"]
    assert reviewed == [[0]]  # nothing of a refused file is kept


def test_the_china_record_lists_every_source_of_the_model(tmp_path, run_cli):
    _world(tmp_path, run_cli)
    record = run_cli("export", "tuned", "--format", "cn-corpus").output

    assert record.startswith("# 训练语料来源记录 Training corpus record: tuned")
    assert record.count("## 语料来源 Source:") == 2
    assert "## 语料来源 Source: forum@1" in record and "## 语料来源 Source: news@1" in record
    assert "- 获取渠道 Acquisition channel: 自采 (网络爬取) self-collected by crawling" in record
    assert "- 商业语料合同 Contract for commercial data: 不适用" in record
    assert "- 规模 Size: 30 records" in record
    assert "未进行 No sample was drawn" in record
    assert "## 标注规则 Annotation rules\n\n未提供 not provided" in record
    assert record == run_cli("export", "tuned", "--format", "cn-corpus").output
