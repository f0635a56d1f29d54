"""A small registry of named methods (normalisers, aggregators, weighting schemes).

Each entry pairs a pure numeric function with the pydantic model of its parameters;
an unknown name fails with the list of available names and the closest match.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from gdindex.errors import MethodError

F = TypeVar("F", bound=Callable[..., object])


@dataclass(frozen=True)
class Method(Generic[F]):
    """A registered method: its name, function, parameter model and traits."""

    name: str
    fn: F
    params: type
    needs_spread: bool = False

    @property
    def summary(self) -> str:
        """First line of the function's docstring."""
        return (
            (self.fn.__doc__ or "").strip().splitlines()[0] if self.fn.__doc__ else ""
        )


class Registry(Generic[F]):
    """Named methods of one kind (e.g. normalisation)."""

    def __init__(self, kind: str, kind_zh: str | None = None) -> None:
        self.kind = kind
        self.kind_zh = kind_zh or kind  # the kind in Chinese, for its errors
        self._methods: dict[str, Method[F]] = {}

    def register(
        self, name: str, params: type, *, needs_spread: bool = False
    ) -> Callable[[F], F]:
        def decorate(fn: F) -> F:
            if name in self._methods:
                raise ValueError(f"{self.kind} method '{name}' registered twice")
            self._methods[name] = Method(name, fn, params, needs_spread)
            return fn

        return decorate

    def get(self, name: str) -> Method[F]:
        try:
            return self._methods[name]
        except KeyError:
            close = difflib.get_close_matches(name, list(self._methods), n=1)
            hint = f"did you mean '{close[0]}'? " if close else ""
            raise MethodError(
                f"unknown {self.kind} method '{name}': {hint}available: "
                + ", ".join(self._methods),
                message_zh=f"未知的{self.kind_zh}方法 '{name}'："
                + (f"是否想用 '{close[0]}'？" if close else "")
                + "可选："
                + ", ".join(self._methods),
            ) from None

    def names(self) -> list[str]:
        return list(self._methods)

    def __contains__(self, name: object) -> bool:
        return name in self._methods
