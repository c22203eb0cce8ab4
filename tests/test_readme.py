"""The README is checked as a user would use it: its commands run, its file names are the
files geomap writes, and its links lead somewhere inside the repository.

A fenced block whose commands cannot run here says so in an HTML comment just before it:
``<!-- not run: the reason -->``. A test that fed the README a wrong command, file name or
link fails (see test_checker_catches_*).
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from geomap.cli import _parser
from geomap.report import REPORT_FILES

from .conftest import ROOT

README = ROOT / "README.md"
FENCE = re.compile(r"(?P<before>(?:^.*\n){0,2})^```(?P<lang>\w*)\n(?P<body>[\s\S]*?)^```", re.M)
NOT_RUN = re.compile(r"<!--\s*not run:\s*(?P<why>.+?)\s*-->")
LINK = re.compile(r"\[[^\]]*\]\((?P<target>[^)\s#]+)(?:#[^)]*)?\)")
FILE_NAME = re.compile(r"`(?P<name>[\w.-]+\.(?:csv|json|png|gpkg|html))`")


def commands(text: str) -> tuple[list[list[str]], list[str]]:
    """Shell commands naming geomap in the README's fenced blocks; and the reasons not run."""
    run, skipped = [], []
    for block in FENCE.finditer(text):
        if block["lang"] not in ("", "bash", "sh", "console"):
            continue
        body = block["body"].replace("\\\n", " ")
        lines = [ln.strip() for ln in body.splitlines()]
        lines = [ln for ln in lines if ln and not ln.startswith("#") and "geomap" in ln]
        if not lines:
            continue
        why = NOT_RUN.search(block["before"])
        if why:
            skipped.append(why["why"])
            continue
        run += [shlex.split(ln, comments=True) for ln in lines]
    return run, skipped


def relative_links(text: str) -> list[str]:
    """Link targets that are neither URLs nor anchors."""
    return [m["target"] for m in LINK.finditer(text) if not re.match(r"\w+:", m["target"])]


def broken_links(text: str, root: Path = ROOT) -> list[str]:
    """Relative links that lead outside ``root`` or to nothing."""
    bad = []
    for target in relative_links(text):
        path = (root / target).resolve()
        if not path.is_relative_to(root) or not path.exists():
            bad.append(target)
    return bad


def report_files(text: str) -> set[str]:
    """The file names listed in the README's table of `geomap report` files."""
    start = text.index("geomap report -o FOLDER")
    table = text[start : text.index("\n\n", text.index("| file |", start))]
    return {m["name"] for m in FILE_NAME.finditer(table)}


OPTION = re.compile(r"(?<![\w-])(--[a-z][a-z-]*[a-z]|-[a-zA-Z])\b")
DEFAULT_OUTPUT = re.compile(r"default `(?P<name>geomap-[\w.-]+)`")


def _cli_options() -> set[str]:
    """Every option string of the geomap command and its subcommands."""
    parser = _parser()
    found = set(parser._option_string_actions)
    for action in parser._subparsers._group_actions:  # type: ignore[union-attr]
        for sub in action.choices.values():
            found |= set(sub._option_string_actions)
    return found


def unknown_options(text: str) -> list[str]:
    """Options the README names in backticks or command blocks that no command has."""
    prose = re.sub(r"^```.*?^```", "", text, flags=re.M | re.S)
    code = re.findall(r"`([^`]+)`", prose) + [b["body"] for b in FENCE.finditer(text)]
    # Python's and pip's own options are not geomap's.
    code = [re.sub(r"python3? -m |pip install( -e)?", " ", chunk) for chunk in code]
    named = {
        m.group(1)
        for chunk in code
        if "geomap" in chunk or chunk.startswith("-")
        for m in OPTION.finditer(chunk)
    }
    return sorted(named - _cli_options() - _bench_options())


def _bench_options() -> set[str]:
    """The options of `python -m benchmarks render|analysis` (the README's benchmarks part)."""
    found: set[str] = set()
    for sub in ("render", "analysis"):
        proc = subprocess.run(
            [sys.executable, "-m", "benchmarks", sub, "--help"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        found |= set(OPTION.findall(proc.stdout))
    return found


def wrong_default_outputs(text: str) -> list[str]:
    """Default output names the README states that no command has as its default."""
    parser = _parser()
    defaults = {
        str(a.default)
        for action in parser._subparsers._group_actions  # type: ignore[union-attr]
        for sub in action.choices.values()
        for a in sub._actions
    } | {"geomap-rejects.csv"}
    stated = {m["name"] for m in DEFAULT_OUTPUT.finditer(text)}
    stated |= set(
        re.findall(r"\(default `(geomap-[\w.-]+)` / `(geomap-[\w.-]+)`\)", text)[0]
        if re.search(r"\(default `geomap-[\w.-]+` / ", text)
        else ()
    )
    return sorted(stated - defaults)


def _as_argv(cmd: list[str]) -> list[str] | None:
    """``geomap ...`` as ``python -m geomap ...``; make targets and others as given."""
    if Path(cmd[0]).name == "geomap":
        return [sys.executable, "-m", "geomap", *cmd[1:]]
    return None


def test_readme_links_stay_inside_the_repository() -> None:
    assert broken_links(README.read_text(encoding="utf-8")) == []


def test_checker_catches_a_bad_link() -> None:
    bad = "see [domain](../shared/DOMAIN.md) and [gone](notebooks/nothing.ipynb) and [ok](LICENSE)"
    assert broken_links(bad) == ["../shared/DOMAIN.md", "notebooks/nothing.ipynb"]


def test_readme_report_files_are_the_files_written(tmp_path: Path) -> None:
    listed = report_files(README.read_text(encoding="utf-8"))
    out = tmp_path / "report"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "geomap",
            "-q",
            "report",
            str(ROOT / "data/karabakh-sample.gpkg"),
            "-o",
            str(out),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    written = {p.name for p in out.iterdir()}
    assert listed == written


def test_checker_catches_a_wrong_file_name() -> None:
    text = "geomap report -o FOLDER\n\n| file | what |\n| --- | --- |\n"
    text += "| `casualty-trend.csv` | x |\n| `areas.csv` | y |\n\n"
    # The check above compares the listed names with those written: this one is not written.
    assert report_files(text) - set(REPORT_FILES) == {"casualty-trend.csv"}


def test_readme_commands_run_on_the_sample(tmp_path: Path) -> None:
    run, skipped = commands(README.read_text(encoding="utf-8"))
    assert all(why.strip() for why in skipped)
    # Every command shown is run: geomap itself here; none other may hide in a block.
    assert [shlex.join(c) for c in run if not _as_argv(c)] == []
    cli = [c for c in run if _as_argv(c)]
    assert cli, "the README shows no geomap command"
    for name in ("data", "examples", "notebooks"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("*.py"))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for cmd in cli:
        proc = subprocess.run(
            _as_argv(cmd), cwd=tmp_path, env=env, capture_output=True, text=True, check=False
        )
        assert proc.returncode == 0, f"{shlex.join(cmd)}: {proc.stderr}"


def test_checker_catches_a_wrong_command(tmp_path: Path) -> None:
    (cmd,) = commands("```bash\ngeomap render data/no-such-file.gpkg -o x.html\n```\n")[0]
    proc = subprocess.run(_as_argv(cmd), cwd=ROOT, capture_output=True, text=True, check=False)
    assert proc.returncode == 2
    assert "no-such-file.gpkg" in proc.stderr


def test_readme_options_are_the_commands_options() -> None:
    assert unknown_options(README.read_text(encoding="utf-8")) == []


def test_checker_catches_a_wrong_option() -> None:
    text = "`geomap render --no-heat-map`, `--strict`, `geomap stats --top 5`"
    assert unknown_options(text) == ["--no-heat-map"]


def test_readme_default_outputs_are_the_commands_defaults() -> None:
    assert wrong_default_outputs(README.read_text(encoding="utf-8")) == []


def test_checker_catches_a_wrong_default_output() -> None:
    text = "| `-o FILE` | file to write (default `geomap-maps.html` / `geomap-embed.html`) |"
    assert wrong_default_outputs(text) == ["geomap-maps.html"]
