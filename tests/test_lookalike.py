"""The look-alike tables the bot reads are ICU's own: every code point, and random text."""

from __future__ import annotations

import random
import unicodedata

import pytest

from storage import lookalike

icu = pytest.importorskip("icu", reason="ICU (the development extras) checks the tables")

SPOOF = icu.SpoofChecker()
CODE_POINTS = [chr(cp) for cp in range(0x110000) if not 0xD800 <= cp <= 0xDFFF]


def test_the_tables_are_what_the_installed_icu_generates():
    assert lookalike.DATA.read_text(encoding="ascii") == lookalike.generate(), (
        "ICU changed: run `python -m storage.lookalike` and commit storage/data/lookalike.txt"
    )


def test_every_code_point_has_icus_skeleton():
    wrong = [c for c in CODE_POINTS if lookalike.skeleton(c) != SPOOF.getSkeleton(0, c)]
    assert wrong == []


def test_random_text_has_icus_skeleton():
    rnd = random.Random(39)
    assigned = [c for c in CODE_POINTS if unicodedata.category(c) != "Cn"]
    # Latin, combining marks and Cyrillic, where look-alikes and mark ordering meet.
    near = [chr(cp) for cp in [*range(0x20, 0x250), *range(0x300, 0x370), *range(0x400, 0x530)]]
    for i in range(30_000):
        text = "".join(rnd.choice(near if i % 2 else assigned) for _ in range(rnd.randint(1, 8)))
        assert lookalike.skeleton(text) == SPOOF.getSkeleton(0, text), [hex(ord(c)) for c in text]


def test_ignorables_are_icus_set():
    ours = lookalike.ignorable()
    theirs = icu.UnicodeSet(lookalike.IGNORABLE_SET)
    wrong = [c for c in CODE_POINTS if bool(ours.fullmatch(c)) != theirs.contains(c)]
    assert wrong == []
