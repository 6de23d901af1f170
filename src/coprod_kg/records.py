"""Frozen value classes without `dataclasses`, for the modules a warm query imports.

`dataclasses` imports inspect, which imports ast, dis and tokenize: ~5 ms of a warm
`coprod-kg query` (issue 16), for classes that need only a constructor, equality, a hash
and a repr. A Record gives those as `@dataclass(frozen=True)` does, and still works with
`dataclasses.replace`, `fields` and `asdict` (the dataclass fields are made on first use).
"""

from __future__ import annotations


class _DataclassFields:
    """A Record class's `__dataclass_fields__`, made when `dataclasses` first asks for them."""

    def __get__(self, instance, owner: type[Record]) -> dict:
        from dataclasses import make_dataclass

        fields = make_dataclass(owner.__name__, owner._fields).__dataclass_fields__
        if owner is not Record:  # made once per class (Record's own would hide them all)
            owner.__dataclass_fields__ = fields  # type: ignore[attr-defined]
        return fields


class Record:
    """The fields are the names a subclass annotates, in order, set once by its __init__
    (through `_set`); compared, hashed and shown in that order, except those in `_hidden`
    (neither compared nor shown, as `field(compare=False, repr=False)`)."""

    _fields: tuple[str, ...] = ()
    _hidden: frozenset[str] = frozenset()
    __dataclass_fields__ = _DataclassFields()

    def __init_subclass__(cls) -> None:
        # the class's own annotations (on Python 3.14 no longer in its __dict__); a Record
        # without fields would compare equal to every other: refused
        cls._fields = tuple(cls.__annotations__)
        if not cls._fields:
            raise TypeError(f"{cls.__qualname__}: a Record needs annotated fields")

    def _set(self, **values: object) -> None:
        self.__dict__.update(values)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"cannot delete field {name!r}")

    def _compared(self) -> tuple:
        return tuple(getattr(self, name) for name in self._fields if name not in self._hidden)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._compared() == other._compared()  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash(self._compared())

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields
                          if name not in self._hidden)
        return f"{type(self).__qualname__}({shown})"
