"""The composition root: builds the engine and its parts from settings."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from klarsvar.config import Settings
from klarsvar.conversation.engine import Engine
from klarsvar.conversation.models import Source
from klarsvar.conversation.ports import Answerer, KnowledgeAnswer
from klarsvar.core.clock import Clock, clock_from_setting
from klarsvar.live.bus import EventBus, make_bus
from klarsvar.storage.database import Database
from klarsvar.understanding.base import Understander
from klarsvar.understanding.embedded import EmbeddedUnderstander

log = logging.getLogger(__name__)

HELPCENTRE = Path(__file__).parent / "world" / "helpcentre"


@lru_cache(maxsize=1)
def embedded_understander(cache_dir: str | None = None) -> EmbeddedUnderstander:
    return EmbeddedUnderstander(cache_dir=Path(cache_dir) if cache_dir else None)


def understander_from(spec: str) -> Understander:
    """`package.module:factory` (KLARSVAR_UNDERSTANDER): a factory that returns an Understander."""
    import importlib

    module_name, _, attr = spec.partition(":")
    if not module_name or not attr:
        raise ValueError(f"KLARSVAR_UNDERSTANDER must look like 'package.module:factory', not {spec!r}")
    factory = getattr(importlib.import_module(module_name), attr)
    made: Understander = factory()
    return made


class KnowledgeAnswerer:
    """Adapts the knowledge base to the engine's `Answerer` port (customer audience only)."""

    def __init__(self, kb: Any) -> None:
        self.kb = kb

    def answer(self, question: str, *, lang: str, detail: bool = False,
               query_vector: Any = None) -> KnowledgeAnswer:
        answer = self.kb.answer(question, lang=lang, audience="customer", detail=detail, query_vector=query_vector)
        return KnowledgeAnswer(
            text=answer.text,
            sources=[Source(s.doc_id, s.title, getattr(s, "lang", None)) for s in answer.sources],
            grounded=bool(answer.grounded),
            confidence=float(answer.confidence),
            language=answer.language,
        )


def _warm_knowledge(knowledge: Answerer) -> None:
    try:
        kb = getattr(knowledge, "kb", None)
        if kb is not None:
            kb.index()
    except Exception as exc:  # the first question loads it instead
        log.warning("knowledge index not preloaded: %s", exc)


def knowledge_for(db: Database) -> Answerer:
    from klarsvar.knowledge.base import KnowledgeBase

    return KnowledgeAnswerer(KnowledgeBase(db))


@dataclass
class Runtime:
    settings: Settings
    db: Database
    engine: Engine
    clock: Clock
    bus: EventBus


def build_runtime(settings: Settings | None = None, *, db: Database | None = None,
                  understander: Understander | None = None, clock: Clock | None = None,
                  bus: EventBus | None = None) -> Runtime:
    settings = settings or Settings.from_env()
    db = db or Database(settings.database_url)
    clock = clock or clock_from_setting(settings.clock)
    bus = bus or make_bus(settings.redis_url)
    if understander is None and settings.understander != "embedded":
        understander = understander_from(settings.understander)
    knowledge = knowledge_for(db)
    if understander is None:
        # The embedded default: the knowledge index loads on the other core while the intent
        # models load and warm up (the first answer would otherwise wait for it).
        threading.Thread(target=_warm_knowledge, args=(knowledge,), name="klarsvar-warm-knowledge",
                         daemon=True).start()
        embedded = embedded_understander(str(settings.data_dir / "cache"))
        embedded.warm_up()
        understander = embedded
    engine = Engine(db, understander, clock=clock, knowledge=knowledge, bus=bus,
                    demo_mode=settings.demo_mode)
    return Runtime(settings, db, engine, clock, bus)
