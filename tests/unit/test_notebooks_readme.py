"""notebooks/README.md cannot rot: its snippets run and print what it says, and it names every notebook."""
from __future__ import annotations

import contextlib
import io
import re

import pytest

from clusterix_analytics.config import NOTEBOOKS_DIR

README = NOTEBOOKS_DIR / "README.md"
FENCE = re.compile(r"```(python|text)\n(.*?)```", re.DOTALL)


def snippets() -> list[tuple[str, str]]:
    """(code, expected output) for each ```python block and the ```text block that follows it."""
    blocks = FENCE.findall(README.read_text(encoding="utf-8"))
    pairs = []
    for (kind, code), (next_kind, expected) in zip(blocks, blocks[1:]):
        if kind == "python":
            assert next_kind == "text", f"every python block is followed by its output:\n{code}"
            pairs.append((code, expected))
    return pairs


def test_readme_has_three_questions_with_answers():
    assert len(snippets()) == 3


@pytest.mark.parametrize("code, expected", snippets(), ids=["question1", "question2", "question3"])
def test_readme_snippet_prints_the_answer_it_shows(code, expected, monkeypatch):
    monkeypatch.chdir(NOTEBOOKS_DIR)   # where a reader runs it: a notebook or console opened by `make lab`
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(code, str(README), "exec"), {"__name__": "__readme__"})
    assert printed.getvalue() == expected


def test_question_two_answer_is_the_arithmetic_of_the_sourced_figures():
    code, expected = snippets()[1]
    # 117 learning events against a target of 32: 117 / 32 = 3.656 -> 366 %; 60 people of 50: 120 %
    assert expected.splitlines() == ["Policy learning events organised: 117 of 32 events (366%)",
                                     "People with increased professional capacity: 60 of 50 people (120%)"]


def test_readme_names_every_maintained_notebook():
    text = README.read_text(encoding="utf-8")
    for notebook in sorted(NOTEBOOKS_DIR.glob("*.ipynb")):
        assert f"`{notebook.stem}`" in text, f"{notebook.name} is missing from notebooks/README.md"
