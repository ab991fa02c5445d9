"""The house speaks the mission: each role where its name says, no role reaching into the command line,
no package's private modules used from outside it, and no source file a contributor's .gitignore drops."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fixtures.paths import REPO

PACKAGE = REPO / "sitepush"
ROLES = ("builder", "syncer", "configurator", "edge", "importer")
OTHER_PACKAGES = ("preview", "history", "cli")

# The ignore lines of GitHub's Python template (github/gitignore, Python.gitignore), old and new versions
# together: what a contributor pastes into a fork.
GITHUB_PYTHON_GITIGNORE = """
__pycache__/
*.py[cod]
*$py.class
*.so
.Python
env/
build/
develop-eggs/
dist/
downloads/
eggs/
.eggs/
lib/
lib64/
parts/
sdist/
var/
wheels/
share/python-wheels/
*.egg-info/
.installed.cfg
*.egg
MANIFEST
*.manifest
*.spec
pip-log.txt
pip-delete-this-directory.txt
htmlcov/
.tox/
.nox/
.coverage
.coverage.*
.cache
nosetests.xml
coverage.xml
*.cover
*,cover
*.py,cover
.hypothesis/
.pytest_cache/
cover/
*.mo
*.pot
*.log
local_settings.py
db.sqlite3
db.sqlite3-journal
instance/
.webassets-cache
.scrapy
docs/_build/
.pybuilder/
target/
.ipynb_checkpoints
profile_default/
ipython_config.py
.python-version
__pypackages__/
celerybeat-schedule
celerybeat.pid
*.sage.py
.env
.venv
venv/
ENV/
env.bak/
venv.bak/
.spyderproject
.spyproject
.ropeproject
/site
.mypy_cache/
.dmypy.json
dmypy.json
.pyre/
.pytype/
cython_debug/
.idea/
"""


def modules_of(folder: Path) -> Iterator[Path]:
    yield from sorted(path for path in folder.rglob("*.py") if "__pycache__" not in path.parts)


def imported_modules(path: Path) -> set[str]:
    """Every module ``path`` imports, at the top or inside a function, absolute names resolved."""
    tree = ast.parse(path.read_text("utf-8"), str(path))
    package = ".".join(path.relative_to(REPO).with_suffix("").parts[:-1])
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


@pytest.mark.parametrize("role", [*ROLES, "builder/jekyll"])
def test_each_role_is_a_package_that_draws_its_flow_and_exports_its_surface(role: str) -> None:
    init = PACKAGE / role / "__init__.py"
    assert init.is_file(), f"sitepush/{role}/ is not a package"
    tree = ast.parse(init.read_text("utf-8"))
    doc = ast.get_docstring(tree) or ""
    assert doc.count("→") >= 3, f"sitepush/{role}/__init__.py should draw its flow"
    exported = next(node for node in tree.body if isinstance(node, ast.Assign)
                    and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets))
    assert isinstance(exported.value, ast.List) and len(exported.value.elts) >= 5


@pytest.mark.parametrize("role", ROLES)
def test_no_role_package_imports_the_command_line(role: str) -> None:
    offenders = {str(path.relative_to(REPO)): sorted(name for name in imported_modules(path)
                                                    if name == "sitepush.cli" or name.startswith("sitepush.cli."))
                 for path in modules_of(PACKAGE / role)}
    assert {path: names for path, names in offenders.items() if names} == {}


def test_the_old_names_are_gone() -> None:
    for old in ("build", "publish", "infra"):
        assert not (PACKAGE / old).exists(), f"sitepush/{old}/ should be gone"
    found = subprocess.run(["git", "grep", "-nE", r"sitepush[./](build|publish|infra)\b"], cwd=REPO,
                           capture_output=True, text=True)
    assert found.stdout == ""


def private_modules() -> dict[str, str]:
    """``sitepush.x._y`` → the package ``sitepush.x`` it belongs to."""
    found = {}
    for path in modules_of(PACKAGE):
        if path.name.startswith("_") and path.name != "__init__.py" and path.name != "__main__.py":
            dotted = ".".join(path.relative_to(REPO).with_suffix("").parts)
            found[dotted] = dotted.rsplit(".", 1)[0]
    return found


def test_no_module_outside_a_package_imports_its_private_modules() -> None:
    private = private_modules()
    assert private, "the scan found no private module at all"
    offenders = []
    for folder in (PACKAGE, REPO / "tests", REPO / "bench"):
        for path in modules_of(folder):
            dotted = ".".join(path.relative_to(REPO).with_suffix("").parts)
            for name in imported_modules(path):
                owner = next((package for module, package in private.items()
                              if name == module or name.startswith(module + ".")), None)
                if owner is not None and not dotted.startswith(owner + "."):
                    offenders.append(f"{path.relative_to(REPO)} imports {name}")
    assert offenders == []


def test_tests_mirror_the_package() -> None:
    for folder in (*ROLES, *OTHER_PACKAGES, "reliability"):
        tests = list((REPO / "tests" / folder).glob("test_*.py"))
        assert tests, f"tests/{folder}/ holds no tests"
    assert not list((REPO / "tests").glob("test_*build*.py")), "builder tests belong in tests/builder/"


def test_no_test_module_is_over_600_lines() -> None:
    long = {str(path.relative_to(REPO)): n for path in modules_of(REPO / "tests")
            if (n := len(path.read_text("utf-8").splitlines())) > 620}
    assert long == {}


def test_importing_the_role_packages_imports_no_aws_client_or_watcher() -> None:
    code = ("import sys, sitepush.builder, sitepush.syncer, sitepush.configurator, sitepush.edge; "
            "heavy = ('boto3', 'botocore', 'moto', 'watchdog', 'jinja2', 'markdown', 'pygments', 'dns'); "
            "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in heavy)))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True)
    assert result.stdout.strip() == ""


def test_githubs_python_gitignore_would_drop_no_source_file(tmp_path: Path) -> None:
    if shutil.which("git") is None:
        pytest.fail("git is missing")
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True,
                             ).stdout.decode().split("\0")
    tracked = [path for path in tracked if path]
    assert any(path.startswith("sitepush/builder/") for path in tracked)
    fork = tmp_path / "fork"
    subprocess.run(["git", "init", "-q", str(fork)], check=True)
    for path in tracked:
        (fork / path).parent.mkdir(parents=True, exist_ok=True)
        (fork / path).touch()
    own = (REPO / ".gitignore").read_text("utf-8")
    (fork / ".gitignore").write_text(own + "\n# pasted from GitHub's Python template\n" + GITHUB_PYTHON_GITIGNORE)
    checked = subprocess.run(["git", "check-ignore", "--no-index", "--verbose", "--stdin", "-z"], cwd=fork,
                             input="\0".join(tracked).encode(), capture_output=True)
    assert checked.returncode in (0, 1), checked.stderr
    ignored = [entry for entry in checked.stdout.decode().split("\0") if entry]
    # --verbose -z prints source, line, pattern, path for each ignored path
    paths = ignored[3::4]
    assert paths == [], f"a pasted Python .gitignore would drop: {paths[:10]}"


def test_the_pasted_template_really_ignores_a_build_folder(tmp_path: Path) -> None:
    """The check above can fail: the same template does drop a folder named build/."""
    fork = tmp_path / "fork"
    subprocess.run(["git", "init", "-q", str(fork)], check=True)
    old_builder = Path("pkg", "build", "x.py")
    (fork / old_builder).parent.mkdir(parents=True)
    (fork / old_builder).touch()
    (fork / ".gitignore").write_text(GITHUB_PYTHON_GITIGNORE)
    checked = subprocess.run(["git", "check-ignore", "--no-index", "--stdin"], cwd=fork,
                             input=f"{old_builder.as_posix()}\n".encode(), capture_output=True)
    assert checked.stdout.decode().strip() == old_builder.as_posix()
