"""The pure formatting of what a deploy tells GitHub Actions."""

from __future__ import annotations

from pathlib import Path

from sitepush.ci_output import (
    annotation,
    deploy_outputs,
    escape_data,
    escape_property,
    output_lines,
    step_summary,
)
from sitepush.errors import Problem


def test_workflow_command_escaping_follows_githubs_rules() -> None:
    assert escape_data("100% done\r\nnext") == "100%25 done%0D%0Anext"
    assert escape_property("a:b,c%") == "a%3Ab%2Cc%25"


def test_a_problem_with_file_and_line_is_an_annotation_with_the_fix() -> None:
    problem = Problem("invalid front matter", "content/a,b.md", 3, "fix the YAML")
    assert annotation(problem) == ("::error file=content/a%2Cb.md,line=3,title=sitepush::"
                                   "invalid front matter — fix the YAML")
    assert annotation(problem, site=Path("docs")).startswith("::error file=docs/content/a%2Cb.md,")
    assert annotation(Problem("no bucket"), level="warning") == "::warning title=sitepush::no bucket"


def test_multi_line_outputs_use_a_delimiter_that_is_not_in_the_value() -> None:
    text = output_lines({"one": "1", "many": "a\nb"})
    lines = text.splitlines()
    assert lines[0] == "one=1"
    name, delimiter = lines[1].split("<<")
    assert (name, lines[2:4], lines[4]) == ("many", ["a", "b"], delimiter)


def document(uploads: int, *, dry_run: bool = False) -> dict[str, object]:
    return {"bucket": "b", "prefix": "", "dry_run": dry_run, "stopped": None,
            "plan": {"uploads": [{"key": f"p{i}.html", "reason": "content"} for i in range(uploads)],
                     "deletes": ["old.html"], "unchanged": 7, "invalidation_paths": ["/p0.html"],
                     "invalidation_cost_usd": 0.005},
            "result": None if dry_run else {"uploaded": uploads, "deleted": 1, "uploaded_bytes": 2_500_000,
                                            "seconds": 1.5, "total_requests": uploads + 4,
                                            "invalidation": {"ids": ["I1"]}}}


def test_the_summary_lists_the_first_50_changed_paths_then_how_many_more() -> None:
    summary = step_summary(document(60))
    assert "- `p49.html` (content)" in summary and "- `p50.html` (content)" not in summary
    assert "- … and 11 more" in summary  # 60 uploads + 1 delete − 50 shown
    assert "| sent | 2.5 MB |" in summary and "| time | 1.5 s |" in summary


def test_outputs_of_a_deploy_and_of_a_dry_run() -> None:
    assert deploy_outputs(document(3), "/tmp/p.json") == {"uploaded": "3", "deleted": "1",
                                                         "invalidation-id": "I1", "plan-json": "/tmp/p.json"}
    assert deploy_outputs(document(3, dry_run=True), "/p.json")["uploaded"] == "3"
