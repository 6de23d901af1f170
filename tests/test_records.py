"""coprod_kg.records: the value classes of the warm query path behave as the frozen
dataclasses they replace (issue 16: no `dataclasses`, hence no inspect, on that path)."""

from __future__ import annotations

import copy
import dataclasses
import pickle
from pathlib import Path

import pytest

from coprod_kg.graph.cache import CachedStore
from coprod_kg.queries.catalogue import Parameter, StoredQuery
from coprod_kg.settings import Settings
from fresh_python import imported_after


def test_equality_hash_and_repr_are_a_frozen_dataclass_s():
    one = Parameter("minPercent", "xsd_decimal", False, "0")
    assert one == Parameter(name="minPercent", type="xsd_decimal", required=False, default="0")
    assert one != Parameter("minPercent", "xsd_decimal", False)
    assert one != ("minPercent", "xsd_decimal", False, "0")  # not a tuple
    assert hash(one) == hash(Parameter("minPercent", "xsd_decimal", False, "0"))
    assert len({one, Parameter("minPercent", "xsd_decimal", False, "0")}) == 1
    assert repr(one) == ("Parameter(name='minPercent', type='xsd_decimal', required=False, "
                         "default='0')")


def test_fields_cannot_be_assigned_or_deleted():
    settings = Settings()
    with pytest.raises(AttributeError, match="cannot assign to field 'store'"):
        settings.store = "memory"  # type: ignore[misc]
    with pytest.raises(AttributeError, match="cannot delete field 'store'"):
        del settings.store
    assert settings.store == "oxigraph"


def test_defaults_are_not_shared():
    assert Settings().extra == {} and Settings().extra is not Settings().extra
    query = StoredQuery("q", Path("q.rq"), "ASK {}", "a query")
    assert (query.description, query.tags, query.parameters) == ("", (), ())


def test_a_hidden_field_is_neither_compared_nor_shown():
    with open(__file__, "rb") as handle:
        held = CachedStore("k", Path("f"), {"triples": 1}, lock=handle)
        assert held == CachedStore("k", Path("f"), {"triples": 1})
        assert held.lock is handle
        assert repr(held) == "CachedStore(key='k', folder=PosixPath('f'), manifest={'triples': 1})"


def test_dataclasses_functions_still_work():
    """commands/load.py calls dataclasses.replace on the settings."""
    settings = Settings(endpoint="http://example.org/sparql", timeout=5.0)
    assert dataclasses.is_dataclass(settings)
    changed = dataclasses.replace(settings, endpoint=None)
    assert changed == Settings(timeout=5.0) and settings.endpoint == "http://example.org/sparql"
    assert [f.name for f in dataclasses.fields(Parameter)] == ["name", "type", "required",
                                                               "default"]
    assert dataclasses.asdict(Parameter("x", "iri", True)) == {
        "name": "x", "type": "iri", "required": True, "default": None}


def test_pickled_and_copied_records_are_equal():
    query = StoredQuery("q", Path("q.rq"), "ASK {}", "a query",
                        parameters=(Parameter("x", "iri", True),))
    assert pickle.loads(pickle.dumps(query)) == query
    assert copy.deepcopy(query) == query == copy.copy(query)


def test_the_query_path_imports_neither_dataclasses_nor_typing():
    code = ("import coprod_kg.settings, coprod_kg.graph.store, coprod_kg.graph.cache\n"
            "import coprod_kg.graph.worker, coprod_kg.graph.workspace\n"
            "import coprod_kg.queries.catalogue, coprod_kg.queries.render\n")
    assert imported_after(code, {"dataclasses", "inspect", "typing"}) == set()


def test_a_record_without_fields_is_refused():
    from coprod_kg.records import Record

    with pytest.raises(TypeError, match="Empty: a Record needs annotated fields"):
        class Empty(Record):
            pass
