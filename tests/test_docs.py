"""The documentation: links that resolve, a short README whose set-up commands are the
ones CI runs, and no dated timings or commits outside ``experiments/``."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SKIPPED = {".git", ".venv", "outputs", "multirun", "build", "dist", "node_modules"}
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
FENCE = re.compile(r"^```.*?^```", re.S | re.M)


def _pages() -> list[Path]:
    return sorted(
        path for path in ROOT.rglob("*.md")
        if not any(part in SKIPPED or part.startswith(".") or part.endswith(".egg-info")
                   for part in path.relative_to(ROOT).parts[:-1])
    )  # fmt: skip


def _prose(path: Path) -> str:
    """The page without its fenced code blocks."""
    return FENCE.sub("", path.read_text(encoding="utf-8"))


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    return {slug(line.lstrip("#")) for line in _prose(path).splitlines() if line.startswith("#")}


def _links(path: Path) -> list[str]:
    return [t for t in LINK.findall(_prose(path)) if not re.match(r"[a-z]+:", t)]


def test_the_pages_are_found():
    names = {p.relative_to(ROOT).as_posix() for p in _pages()}
    assert {"README.md", "CONTRIBUTING.md", "conf/README.md", "docs/training.md"} <= names


@pytest.mark.parametrize("page", _pages(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_relative_link_resolves(page):
    broken = []
    for target in _links(page):
        file, _, anchor = target.partition("#")
        resolved = (page.parent / file).resolve() if file else page
        if not resolved.exists():
            broken.append(f"{target}: no such file")
        elif anchor and resolved.suffix == ".md" and anchor not in _anchors(resolved):
            broken.append(f"{target}: no heading #{anchor} in {resolved.name}")
    assert broken == []


def test_slug_is_githubs():
    assert slug("A run's own splits, made again") == "a-runs-own-splits-made-again"
    assert slug("Benchmarks: `coconut-bench`") == "benchmarks-coconut-bench"


def test_the_readme_links_every_reference_page():
    linked = {target.partition("#")[0] for target in _links(ROOT / "README.md")}
    pages = {p.relative_to(ROOT).as_posix() for p in (ROOT / "docs").glob("*.md")}
    assert pages and pages <= linked


def test_the_readme_is_at_most_150_lines():
    assert len((ROOT / "README.md").read_text(encoding="utf-8").splitlines()) <= 150


def _setup_commands() -> list[str]:
    """The commands of the README's set-up section, one per bash block."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Set-up", 1)[1].split("\n## ", 1)[0]
    return [block.strip() for block in re.findall(r"```bash\n(.*?)```", section, re.S)]


def _ci_command() -> str:
    lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    commands = [line.strip() for line in lines if line.strip().startswith("pip install")]
    assert len(commands) == 1, commands
    return commands[0]


def test_the_readmes_set_up_commands_are_the_ones_ci_runs():
    install_and_run, install_and_test = _setup_commands()
    ci = _ci_command()
    assert install_and_test == ci
    # the main job: the same torch pin, the package without extras, then coconut-train
    torch_pin = ci.split(" && ")[0]
    assert install_and_run == f"{torch_pin} && pip install -e . && coconut-train"


def test_no_page_outside_experiments_quotes_dates_or_commits():
    found = []
    for page in _pages():
        if page.relative_to(ROOT).parts[0] == "experiments":
            continue
        text = page.read_text(encoding="utf-8")
        for pattern in (
            r"\b20\d\d-\d\d-\d\d\b",
            r"\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{7,40}\b",
        ):
            found += [f"{page.name}: {m}" for m in re.findall(pattern, text)]
    assert found == []
