"""The text catalogue: each key written once, in one feature module, in every language."""

from __future__ import annotations

import ast
import inspect
import pkgutil
from collections import Counter

import handlers.ui.text as text
from handlers.ui.i18n import CATALOGUES, LOCALES
from handlers.ui.text import FEATURES


def test_every_feature_module_is_joined():
    modules = {m.name for m in pkgutil.iter_modules(text.__path__)}
    assert modules == {f.__name__.rsplit(".", 1)[1] for f in FEATURES}
    assert len(set(FEATURES)) == len(FEATURES)


def test_every_key_has_every_language():
    for feature in FEATURES:
        for key, texts in feature.TEXT.items():
            assert isinstance(texts, tuple) and len(texts) == len(LOCALES), (feature, key)
            for locale, value in zip(LOCALES, texts, strict=True):
                assert isinstance(value, str) and value.strip(), (feature.__name__, key, locale)


def test_no_key_is_written_twice():
    # Across modules, and within one (where a repeated literal key would silently win).
    written: Counter[str] = Counter()
    for feature in FEATURES:
        tree = ast.parse(inspect.getsource(feature))
        (table,) = [
            node.value
            for node in tree.body
            if isinstance(node, ast.AnnAssign) and getattr(node.target, "id", None) == "TEXT"
        ]
        assert isinstance(table, ast.Dict)
        keys = [ast.literal_eval(k) for k in table.keys]
        assert keys == list(feature.TEXT), feature.__name__
        written.update(keys)
    assert [k for k, n in written.items() if n > 1] == []
    for catalogue in CATALOGUES.values():
        assert set(catalogue) == set(written)
