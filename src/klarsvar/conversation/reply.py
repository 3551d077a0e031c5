"""A reply under construction: message parts in one language, then one text."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from klarsvar.conversation.models import Source
from klarsvar.i18n.catalog import render, template


@dataclass
class Reply:
    language: str
    parts: list[str] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    grounded: bool | None = None
    abstained: bool = False
    fallback_english: bool = False

    def say(self, key: str, **params: Any) -> None:
        _, used = template(key, self.language)
        if used != self.language:
            self.fallback_english = True
        self.parts.append(render(key, self.language, **params))
        self.keys.append(key)

    def say_first(self, key: str, **params: Any) -> None:
        _, used = template(key, self.language)
        if used != self.language:
            self.fallback_english = True
        self.parts.insert(0, render(key, self.language, **params))
        self.keys.insert(0, key)

    def add_text(self, text: str, key: str = "knowledge") -> None:
        self.parts.append(text.strip())
        self.keys.append(key)

    def fragment(self, key: str, **params: Any) -> str:
        return render(key, self.language, **params)

    @property
    def empty(self) -> bool:
        return not self.parts

    def text(self) -> str:
        return " ".join(p for p in self.parts if p)
