"""Where the default theme lives and which of its files are copied as-is. No Jinja2 import here:
the builder asks this on every build, also when nothing is rendered."""

from __future__ import annotations

from pathlib import Path

from sitepush.errors import BuildError

__all__ = ["THEME_LABEL", "default_theme_dir", "theme_assets"]

THEME_LABEL = "<theme>"
"""How error messages name the default theme's folder (its install path means nothing to a user)."""

_PACKAGE_DIR = Path(__file__).resolve().parent.parent


def default_theme_dir(package_dir: Path = _PACKAGE_DIR) -> Path:
    """The default theme's folder.

    An installed wheel carries it as ``sitepush/templates`` (pyproject force-includes the repository's
    ``templates/``); a source checkout or editable install has it beside the package, as
    ``<repo>/templates``. The wheel location is checked first so that an unrelated ``templates``
    folder in ``site-packages`` is never picked up by mistake.
    """
    candidates = (package_dir / "templates", package_dir.parent / "templates")
    for candidate in candidates:
        if (candidate / "base.html").is_file():
            return candidate
    raise BuildError(
        f"the default theme is missing (looked in {candidates[0]} and {candidates[1]})",
        hint="reinstall sitepush",
    )


def theme_assets(theme_dir: Path) -> list[tuple[str, Path]]:
    """Files under ``<theme>/assets`` as ``("assets/style.css", path)``, sorted; dotfiles are skipped."""
    assets = theme_dir / "assets"
    if not assets.is_dir():
        return []
    found: list[tuple[str, Path]] = []
    for path in assets.rglob("*"):
        rel = path.relative_to(theme_dir)
        if path.is_file() and not any(part.startswith(".") for part in rel.parts):
            found.append((rel.as_posix(), path))
    return sorted(found)
