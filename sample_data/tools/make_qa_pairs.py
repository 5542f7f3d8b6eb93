"""Write qa-pairs.jsonl from qa_source.txt: one row per question, with a licence and a URL.

The licences cycle through the ones the project releases these rows under; every eleventh
row carries no licence field at all, so the file exercises licence precedence.
"""

import json
from pathlib import Path

HERE = Path(__file__).parent
LICENSES = ["CC-BY-4.0", "CC-BY-SA-4.0", "CC0-1.0", "CC-BY-NC-4.0", "CC-BY-4.0"]
HOSTS = ["https://example.org/nature-qa/", "https://example.com/ask/", "https://example.net/faq/"]


def main() -> None:
    lines = (HERE / "qa_source.txt").read_text(encoding="utf-8").splitlines()
    rows = []
    for number, line in enumerate(lines, start=1):
        question, answer = line.split("|")
        row = {
            "id": f"qa-{number:03d}",
            "text": f"Question: {question}\nAnswer: {answer}",
            "url": f"{HOSTS[number % len(HOSTS)]}{number:03d}",
        }
        if number % 11:
            row["license"] = LICENSES[number % len(LICENSES)]
        rows.append(row)
    with (HERE.parent / "qa-pairs.jsonl").open("w", encoding="utf-8") as out:
        out.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)


if __name__ == "__main__":
    main()
