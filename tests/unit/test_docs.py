"""The README stays a front door: short, its links lead somewhere, its synopsis is complete."""

import argparse
import re
from pathlib import Path

from reporter.cli import build_parser

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
PAGES = [README, *sorted((ROOT / "docs").glob("*.md"))]
# Pages the README links to that another branch of issue 25 writes; a link to one is checked
# like any other once the page exists. Remove an entry once its page has landed.
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
FENCED = re.compile(r"^```.*?^```", re.M | re.S)


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    """The CLI's subcommands by name, as its parser has them."""
    (action,) = [a for a in build_parser()._actions  # pylint: disable=protected-access
                 if isinstance(a, argparse._SubParsersAction)]  # pylint: disable=protected-access
    return dict(action.choices)


def _synopsis() -> dict[str, str]:
    """The README's command synopsis: each `reporter NAME ...` entry, with its continuation
    lines, comments left out."""
    text = README.read_text(encoding="utf-8")
    block = text.split("## Command line", 1)[1].split("```", 2)[1]
    entries: dict[str, str] = {}
    name = ""
    for line in block.splitlines():
        words = line.split("#", 1)[0]
        if line.startswith("reporter "):
            name = line.split()[1]
            entries[name] = words
        elif line.startswith(" ") and name:
            entries[name] += words
    return entries


def test_the_readme_is_under_200_lines():
    assert len(README.read_text(encoding="utf-8").splitlines()) < 200


def test_every_relative_link_leads_to_a_file():
    missing = []
    for page in PAGES:
        text = FENCED.sub("", page.read_text(encoding="utf-8"))
        for target in LINK.findall(text):
            if re.match(r"^[a-z]+:", target) or target.startswith("#"):
                continue  # another site, or a heading of the same page
            found = (page.parent / target.split("#", 1)[0]).resolve()
            if not found.exists():
                missing.append(f"{page.relative_to(ROOT)}: {target}")
    assert not missing


def test_the_readme_links_every_page_of_docs():
    text = README.read_text(encoding="utf-8")
    unlinked = [page.name for page in PAGES[1:] if f"(docs/{page.name}" not in text]
    assert not unlinked


def test_the_readme_synopsis_names_every_subcommand_and_option():
    synopsis = _synopsis()
    commands = _subcommands()
    assert set(synopsis) == set(commands)
    for name, parser in commands.items():
        for action in parser._actions:  # pylint: disable=protected-access
            if action.option_strings and "-h" not in action.option_strings:
                assert any(re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", synopsis[name])
                           for option in action.option_strings), (name, action.option_strings)
