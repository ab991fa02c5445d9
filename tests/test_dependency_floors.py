"""The declared dependency floors are the ones CI's lowest-versions environment installs and tests.

`.ci/lowest-versions` installs `.ci/lowest-constraints.txt` and runs the fast tests; these tests keep
that file equal to pyproject.toml's floors, so a floor cannot be lowered (or a dependency added)
without the lowest environment trying it.
"""

from __future__ import annotations

import re
import tomllib

from tests.fixtures.paths import REPO

PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))
TEST_RUNNERS = {"pytest", "pytest-timeout", "hypothesis"}
"""What the lowest environment needs beyond sitepush[sandbox,jekyll] to run the fast tests."""


def _name(requirement: str) -> str:
    return re.split(r"[\[<>=!~; ]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def floors(requirements: list[str]) -> dict[str, str]:
    """Distribution name → the version after ``>=``; an unbounded requirement is an error."""
    found = {}
    for requirement in requirements:
        match = re.search(r">=\s*([0-9][0-9.]*)", requirement)
        assert match, f"{requirement!r} declares no floor"
        found[_name(requirement)] = match.group(1)
    return found


def constraints() -> dict[str, str]:
    pinned = {}
    for line in (REPO / ".ci" / "lowest-constraints.txt").read_text("utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, version = line.partition("==")
            pinned[name.strip().lower()] = version.strip()
    return pinned


def test_every_runtime_dependency_has_a_floor() -> None:
    assert set(floors(PYPROJECT["project"]["dependencies"])) == {
        "boto3", "jinja2", "watchdog", "markdown", "dnspython", "pyyaml", "pygments", "pymdown-extensions"}


def test_the_lowest_environment_pins_every_declared_floor_exactly() -> None:
    project = PYPROJECT["project"]
    declared = floors(project["dependencies"]) | floors(project["optional-dependencies"]["sandbox"]) \
        | floors(project["optional-dependencies"]["jekyll"])
    test_extra = floors([r for r in project["optional-dependencies"]["test"] if _name(r) in TEST_RUNNERS])
    pinned = constraints()
    # botocore is pinned beside boto3: boto3 X.Y.0 takes any botocore X.Y.*, so the floor of the
    # client option sitepush needs (request_checksum_calculation, botocore 1.36) is pinned too.
    assert pinned.pop("botocore") == pinned["boto3"]
    assert pinned == declared | test_extra


def test_boto3_s_floor_has_the_client_options_sitepush_sets() -> None:
    # botocore added request_checksum_calculation and response_checksum_validation in 1.36.0; on
    # 1.34/1.35 every client sitepush makes raised TypeError.
    major, minor = (int(part) for part in floors(PYPROJECT["project"]["dependencies"])["boto3"].split(".")[:2])
    assert (major, minor) >= (1, 36)


def test_ci_runs_the_lowest_versions_environment_after_the_suite() -> None:
    readme = (REPO / "README.md").read_text("utf-8")
    command = re.search(r"<!-- test-command -->\n```bash\n(.*?)\n```", readme, re.S)
    assert command is not None and command.group(1).endswith(" && .ci/lowest-versions")
    script = (REPO / ".ci" / "lowest-versions").read_text("utf-8")
    assert "-c .ci/lowest-constraints.txt" in script and '-m "not slow"' in script
