"""Scoring a question against the loaded index: retrieval, candidate features, the answer decision.

1. Every chunk gets a dense score (its best unit, itself embedded whole and its document's
   title, each centred on the mean similarity of its language) and a BM25 score; the two
   rankings are fused (RRF).
2. The best-fused `CANDIDATES` articles, and the articles the question names ("Purple
   Account"), are described by article features (scoring.GROUP_FEATURES).
3. A pool of answer units from those articles (the best by cosine, the best by word
   overlap, the named articles' best by cosine with the question asked without the name,
   and all units of the best articles' versions in the customer's language) is described
   by unit features plus their article's features, and scored by the unit model: the best
   unit names the article and the sentence that answers.
4. The confidence model decides from the best unit and its article whether to answer.

The models are fitted by `python -m bench.kb.fit` on the calibration questions (scoring.py).
No feature depends on the question sharing words with the documents alone: the dense ones
carry questions in languages the documents are not written in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from klarsvar.knowledge.index import LoadedIndex, matvec
from klarsvar.knowledge.scoring import Models
from klarsvar.knowledge.text import (
    asked_kinds,
    asks_for_quantity,
    numbers,
    tokens,
    yes_no_question,
)

FloatArray = npt.NDArray[np.float32]
BoolArray = npt.NDArray[np.bool_]

# Retrieval: the dense score of a chunk mixes its best unit, itself embedded whole and its document's title.
UNIT_WEIGHT = 1 / 3
CHUNK_WEIGHT = 1 / 3
TITLE_WEIGHT = 1 / 3
RRF_K = 20
LEXICAL_WEIGHT = 2.0
# Answering
CANDIDATES = 20  # articles described and reranked
NAMED_CANDIDATES = 20  # ... plus up to this many articles the question names
TOP_UNITS = 30  # the best units of all: an article's share of them is a feature
POOL_DENSE = 40  # answer units taken by cosine ...
POOL_LEXICAL = 40  # ... and by word overlap with the question
POOL_ARTICLES = 3  # all units of the preferred versions of this many best-fused articles
POOL_SAME_LANGUAGE = 10  # ... and this many best units (by cosine) in the customer's language
HEADING_WEIGHT = 0.5  # a question word found only in the unit's heading counts half
FALLBACK_LANGUAGE = "en"  # the version quoted when there is none in the customer's language


@dataclass(frozen=True)
class Scored:
    """Scores of one query over the whole index."""

    query: str
    query_vector: FloatArray
    query_tokens: list[str]
    allowed: BoolArray  # chunks the audience may see
    fused: FloatArray
    dense: FloatArray
    lexical: FloatArray
    unit_sims: FloatArray  # centred (minus the mean similarity of the unit's language)
    unit_raw: FloatArray  # plain cosine
    title_raw: FloatArray  # plain cosine of each document's title
    chunk_sims: FloatArray  # centred cosine of each chunk embedded whole
    chunk_raw: FloatArray
    unit_allowed: BoolArray
    unit_attr: FloatArray  # plain cosine of the units and the question without the names it mentions
    unit_overlap: FloatArray  # IDF-weighted share of the question's words in each unit (see overlaps)
    named: frozenset[int]  # the articles the question names (see mentioned_names)


@dataclass(frozen=True)
class UnitCandidate:
    unit: int  # index into the index's units
    chunk: int
    doc: int
    group: int
    features: dict[str, float]
    score: float  # the unit model's logit


@dataclass(frozen=True)
class Analysis:
    """What `KnowledgeBase.answer` decides on."""

    groups: list[int]  # candidate articles, best-fused first
    group_features: dict[int, dict[str, float]]
    units: list[UnitCandidate]  # the pool, best first
    features: dict[str, float]  # of the confidence model
    confidence: float

    @property
    def best(self) -> UnitCandidate | None:
        return self.units[0] if self.units else None

    def ranked_groups(self) -> list[int]:
        """Candidate articles by their best unit, then the others by fused score."""
        seen: dict[int, None] = {}
        for u in self.units:
            seen.setdefault(u.group, None)
        for g in self.groups:
            seen.setdefault(g, None)
        return list(seen)


EMPTY = Analysis([], {}, [], {}, 0.0)


def named_articles(index: LoadedIndex, query: str) -> tuple[set[frozenset[str]], frozenset[int]]:
    """The names the question mentions (see mentioned_names) and the articles they name."""
    named = mentioned_names(index, set(tokens(query)))
    groups = frozenset(int(index.doc_group[d]) for name in named for d in index.names[name])
    return named, groups


def score_query(
    index: LoadedIndex,
    query: str,
    query_vector: FloatArray,
    allowed: BoolArray,
    attr_vector: FloatArray | None = None,
    named: frozenset[int] = frozenset(),
) -> Scored:
    best_unit, unit_sims, unit_raw = index.chunk_dense(query_vector)
    title_sims, title_raw = index.title_dense(query_vector)
    chunk_sims, chunk_raw = index.whole_chunk_dense(query_vector)
    chunk_title = title_sims[index.chunk_doc] if index.n_chunks else np.zeros(0, np.float32)
    best_unit = np.where(best_unit > -1.0, best_unit, chunk_sims)
    dense = UNIT_WEIGHT * best_unit + CHUNK_WEIGHT * chunk_sims + TITLE_WEIGHT * chunk_title
    query_tokens = tokens(query)
    lexical = index.bm25_scores(query_tokens)
    fused = np.zeros(index.n_chunks, dtype=np.float32)
    candidates = np.flatnonzero(allowed)
    if candidates.size:
        order = candidates[np.argsort(-dense[candidates], kind="stable")]
        fused[order] += 1.0 / (RRF_K + 1 + np.arange(order.size))
        with_terms = candidates[lexical[candidates] > 0]
        order = with_terms[np.argsort(-lexical[with_terms], kind="stable")]
        fused[order] += LEXICAL_WEIGHT / (RRF_K + 1 + np.arange(order.size))
    fused[~allowed] = -1.0
    unit_allowed = allowed[index.unit_chunk] if index.unit_chunk.size else np.zeros(0, dtype=bool)
    unit_attr = unit_raw if attr_vector is None else matvec(index.unit_vectors, attr_vector)
    unit_overlap = overlaps(index, query_tokens)
    return Scored(
        query,
        query_vector,
        query_tokens,
        allowed,
        fused,
        dense.astype(np.float32),
        lexical,
        unit_sims,
        unit_raw,
        title_raw,
        chunk_sims,
        chunk_raw,
        unit_allowed,
        unit_attr,
        unit_overlap,
        named,
    )


def ranked_groups(index: LoadedIndex, scored: Scored) -> list[int]:
    """The articles by fused score, best first (only those the audience may see)."""
    group_score = np.full(len(index.group_ids), -1.0, dtype=np.float32)
    np.maximum.at(group_score, index.chunk_group, scored.fused)
    order = np.argsort(-group_score, kind="stable")
    return [int(g) for g in order if group_score[g] >= 0]


def best_chunk(index: LoadedIndex, scored: Scored, group: int, lang: str | None) -> int:
    """The article's best passage, from its version in `lang`, else in English, else any."""
    for doc in preferred_docs(index, scored, group, lang):
        chunks = [c for c in index.doc_chunks[doc] if scored.allowed[c]]
        if chunks:
            return max(chunks, key=lambda c: float(scored.fused[c]))
    raise LookupError(group)


def preferred_docs(index: LoadedIndex, scored: Scored, group: int, lang: str | None) -> list[int]:
    """The article's visible versions, best language first: `lang`, English, then the rest."""
    docs = [d for d in index.group_docs[group] if any(scored.allowed[c] for c in index.doc_chunks[d])]
    return sorted(docs, key=lambda d: (index.doc_langs[d] != lang, index.doc_langs[d] != FALLBACK_LANGUAGE))


def _group_max(values: FloatArray, groups: npt.NDArray[np.int64], mask: BoolArray, n: int) -> FloatArray:
    out = np.full(n, -1.0, dtype=np.float32)
    if values.size:
        np.maximum.at(out, groups[mask], values[mask])
    return out


def _weights(index: LoadedIndex, query_tokens: list[str]) -> dict[str, float]:
    return {t: index.idf.get(t, index.max_idf) for t in set(query_tokens)}


def coverage(index: LoadedIndex, query_tokens: list[str], group: int) -> float:
    """IDF-weighted share of the question's content words found in the article (any of its languages)."""
    weight = _weights(index, query_tokens)
    total = sum(weight.values())
    if not total:
        return 0.0
    found: set[str] = set()
    for d in index.group_docs[group]:
        found |= weight.keys() & index.doc_tokens[d]
    return sum(weight[t] for t in found) / total


def known(index: LoadedIndex, scored: Scored) -> float:
    """IDF-weighted share of the question's content words that occur anywhere in the visible documents."""
    weight = _weights(index, scored.query_tokens)
    total = sum(weight.values())
    if not total:
        return 0.0
    doc_ok = np.zeros(len(index.doc_ids), dtype=bool)
    doc_ok[index.chunk_doc[scored.allowed]] = True
    vocabulary = index.vocabulary(doc_ok)
    return sum(w for t, w in weight.items() if t in vocabulary) / total


def group_features(index: LoadedIndex, scored: Scored, groups: list[int]) -> dict[int, dict[str, float]]:
    n_groups = len(index.group_ids)
    unit_ok = scored.unit_allowed
    raw = _group_max(scored.unit_raw, index.unit_group, unit_ok, n_groups)
    doc_ok = np.zeros(len(index.doc_ids), dtype=bool)
    doc_ok[index.chunk_doc[scored.allowed]] = True
    title = _group_max(scored.title_raw, index.doc_group, doc_ok, n_groups)
    dense = _group_max(scored.dense, index.chunk_group, scored.allowed, n_groups)
    lexical = _group_max(scored.lexical, index.chunk_group, scored.allowed, n_groups)
    whole = _group_max(scored.chunk_raw, index.chunk_group, scored.allowed, n_groups)
    doc_best = _group_max(scored.unit_sims, index.unit_doc, unit_ok, len(index.doc_ids))
    top_units = np.flatnonzero(unit_ok)
    if top_units.size > TOP_UNITS:
        top_units = top_units[np.argpartition(-scored.unit_sims[top_units], TOP_UNITS)[:TOP_UNITS]]
    share = np.bincount(index.unit_group[top_units], minlength=n_groups) / max(1, top_units.size)
    chosen = np.array(groups, dtype=np.int64)
    best_raw = float(raw[chosen].max())
    best_title = float(title[chosen].max())
    best_dense = float(dense[chosen].max())
    best_whole = float(whole[chosen].max())
    best_lexical = float(lexical[chosen].max())
    query_terms = set(scored.query_tokens)
    weight = _weights(index, scored.query_tokens)
    total = sum(weight.values()) or 1.0
    named = mentioned_names(index, query_terms)
    rows: dict[int, dict[str, float]] = {}
    for rank, g in enumerate(groups):
        docs = [d for d in index.group_docs[g] if doc_ok[d]]
        names = [index.doc_names[d] for d in docs if index.doc_names[d]]
        rows[g] = {
            "raw": float(raw[g]),
            "title": float(title[g]),
            "dense": float(dense[g]),
            "raw_gap": float(raw[g]) - best_raw,
            "title_gap": float(title[g]) - best_title,
            "dense_top": float(dense[g] >= best_dense),
            # how many of the three dense views (best unit, whole chunk, title) put this article first
            "views_top": float(raw[g] >= best_raw) + float(whole[g] >= best_whole) + float(title[g] >= best_title),
            "chunk": float(whole[g]),
            "chunk_gap": float(whole[g]) - best_whole,
            "lexical": float(lexical[g]) / best_lexical if best_lexical > 0 else 0.0,
            "coverage": coverage(index, scored.query_tokens, g),
            "fused_rank": 1.0 / (1.0 + rank),
            "name": max((len(n & query_terms) / len(n) for n in names), default=0.0),
            "name_full": float(any(n in named for n in names)),
            "name_other": float(bool(named) and not any(n in named for n in names)),
            "title_recall": max(
                (sum(w for t, w in weight.items() if t in index.doc_title_tokens[d]) / total for d in docs), default=0.0
            ),
            "title_precision": max((_title_precision(index, d, query_terms) for d in docs), default=0.0),
            "versions": float(np.mean([doc_best[d] for d in docs])) if docs else 0.0,
            "share": float(share[g]),
        }
    return rows


def mentioned_names(index: LoadedIndex, query_terms: set[str]) -> set[frozenset[str]]:
    """The document names (of two or more words) the question mentions in full, the longest only:
    "Business Silver Rewards Card" mentions that card, not also the "Silver Rewards Card"."""
    found = {name for name in index.names if name <= query_terms}
    return {name for name in found if not any(name < other for other in found)}


def _title_precision(index: LoadedIndex, doc: int, query_terms: set[str]) -> float:
    """IDF-weighted share of the title's words found in the question."""
    title = index.doc_title_tokens[doc]
    total = sum(index.idf.get(t, index.max_idf) for t in title)
    return sum(index.idf.get(t, index.max_idf) for t in title & query_terms) / total if total else 0.0


def unit_pool(index: LoadedIndex, scored: Scored, groups: list[int], lang: str | None) -> list[int]:
    """The units the answer is chosen from (see the module docstring), in index order."""
    in_groups = np.isin(index.unit_group, np.array(groups, dtype=np.int64)) & scored.unit_allowed
    candidates = np.flatnonzero(in_groups)
    if not candidates.size:
        return []
    candidates = candidates[index.unit_usable[candidates]]
    if not candidates.size:
        return []
    pool: set[int] = set()
    by_dense = candidates[np.argsort(-scored.unit_sims[candidates], kind="stable")[:POOL_DENSE]]
    pool.update(int(u) for u in by_dense)
    found = scored.unit_overlap[candidates]
    order = np.argsort(-found, kind="stable")[:POOL_LEXICAL]
    pool.update(int(candidates[i]) for i in order if found[i] > 0)
    if scored.named:  # the named articles' units that best answer the question without the name
        named = candidates[np.isin(index.unit_group[candidates], np.array(sorted(scored.named), dtype=np.int64))]
        pool.update(int(u) for u in named[np.argsort(-scored.unit_attr[named], kind="stable")[:POOL_DENSE]])
    for g in groups[:POOL_ARTICLES]:
        pool.update(doc_units(index, scored, preferred_docs(index, scored, g, lang)[:1]))
    if lang in index.languages:  # the best units written in the customer's language
        mine = candidates[index.unit_lang[candidates] == index.languages.index(lang)]
        pool.update(int(u) for u in mine[np.argsort(-scored.unit_sims[mine], kind="stable")[:POOL_SAME_LANGUAGE]])
    return sorted(pool)


def doc_units(index: LoadedIndex, scored: Scored, docs: list[int]) -> list[int]:
    out: list[int] = []
    for d in docs:
        for c in index.doc_chunks[d]:
            if not scored.allowed[c]:
                continue
            start = int(index.chunk_unit_start[c])
            out.extend(u for u in range(start, start + int(index.chunk_unit_count[c])) if index.unit_usable[u])
    return out


def overlaps(index: LoadedIndex, query_tokens: list[str]) -> FloatArray:
    """IDF-weighted share of the question's words in each unit; a word found only in the unit's
    heading counts HEADING_WEIGHT."""
    n = len(index.unit_texts)
    out = np.zeros(n, dtype=np.float32)
    weight = _weights(index, query_tokens)
    total = sum(weight.values())
    if not total or not n:
        return out
    in_heading = np.zeros(index.n_chunks, dtype=bool)
    for t, w in weight.items():
        in_unit = np.zeros(n, dtype=bool)
        in_unit[index.unit_postings.get(t, _NONE)] = True
        in_heading[:] = False
        in_heading[index.heading_postings.get(t, _NONE)] = True
        out += np.float32(w) * (in_unit + HEADING_WEIGHT * (in_heading[index.unit_chunk] & ~in_unit))
    return out / np.float32(total)


_NONE = np.zeros(0, dtype=np.int64)


def unit_features(
    index: LoadedIndex,
    scored: Scored,
    units: list[int],
    groups: dict[int, dict[str, float]],
    lang: str | None,
) -> list[dict[str, float]]:
    """Features of each unit: its own evidence plus its article's features (prefixed `g_`)."""
    yes_no = yes_no_question(scored.query)
    wants_number = asks_for_quantity(scored.query) and not yes_no
    kinds = frozenset() if yes_no else asked_kinds(scored.query)
    best_sim = max((float(scored.unit_sims[u]) for u in units), default=0.0)
    best_chunk_of: dict[int, int] = {}
    rows = []
    for u in units:
        chunk = int(index.unit_chunk[u])
        doc = int(index.chunk_doc[chunk])
        group = int(index.chunk_group[chunk])
        if doc not in best_chunk_of:
            chunks = [c for c in index.doc_chunks[doc] if scored.allowed[c]]
            best_chunk_of[doc] = max(chunks, key=lambda c: float(scored.fused[c]))
        quantity = float(index.unit_quantity[u]) if wants_number or kinds else 0.0
        kind_match = float(bool(kinds & index.unit_kinds[u]))
        row = {
            "sim": float(scored.unit_sims[u]),
            "sim_gap": float(scored.unit_sims[u]) - best_sim,
            "attr": float(scored.unit_attr[u]),
            "chunk_sim": float(scored.chunk_sims[chunk]),
            "overlap": float(scored.unit_overlap[u]),
            "quantity": quantity,
            "kind": kind_match,
            "in_best_chunk": float(chunk == best_chunk_of[doc]),
            "same_lang": float(index.doc_langs[doc] == lang),
            "english": float(index.doc_langs[doc] == FALLBACK_LANGUAGE),
        }
        for name, value in groups.get(group, {}).items():
            row["g_" + name] = value
        rows.append(row)
    best_attr = max((row["attr"] for row in rows), default=0.0)
    best_in_doc: dict[tuple[int, str], float] = {}
    for u, row in zip(units, rows, strict=True):
        doc = int(index.unit_doc[u])
        for name in ("sim", "overlap", "attr"):
            key = (doc, name)
            best_in_doc[key] = max(best_in_doc.get(key, row[name]), row[name])
    for u, row in zip(units, rows, strict=True):
        doc = int(index.unit_doc[u])
        row["sim_doc_gap"] = row["sim"] - best_in_doc[(doc, "sim")]
        row["overlap_doc_gap"] = row["overlap"] - best_in_doc[(doc, "overlap")]
        row["attr_doc_gap"] = row["attr"] - best_in_doc[(doc, "attr")]
        row["attr_gap"] = row["attr"] - best_attr
    return rows


def candidate_groups(index: LoadedIndex, scored: Scored) -> list[int]:
    """The best-fused CANDIDATES articles, then the other articles the question names (best-fused first)."""
    ranked = ranked_groups(index, scored)
    top = ranked[:CANDIDATES]
    chosen = set(top)
    return top + [g for g in ranked[CANDIDATES:] if g in scored.named and g not in chosen][:NAMED_CANDIDATES]


def analyse(index: LoadedIndex, scored: Scored, lang: str | None, models: Models) -> Analysis:
    groups = candidate_groups(index, scored)
    if not groups:
        return EMPTY
    rows = group_features(index, scored, groups)
    pool = unit_pool(index, scored, groups, lang)
    units = _score_units(index, scored, pool, rows, lang, models)
    if not units:
        return Analysis(groups, rows, [], {}, 0.0)
    features = question_features(
        units,
        rows,
        known=known(index, scored),
        lang_known=language_share(index, lang),
        agreeing=agreeing_groups(units, lambda u: index.unit_texts[u.unit]),
    )
    features.update(standing(index, scored))
    units = _in_customer_language(index, _cite_best_article(index, units), lang)
    return Analysis(groups, rows, units, features, models.confidence.probability(features))


def language_share(index: LoadedIndex, lang: str | None) -> float:
    """The share of articles with a version in `lang`: 1 where the help centre is written in the
    question's language, small where only a FAQ is, 0 where nothing is."""
    if not lang or not index.group_docs:
        return 0.0
    with_lang = sum(1 for docs in index.group_docs if any(index.doc_langs[d] == lang for d in docs))
    return with_lang / len(index.group_docs)


def unit_figures(index: LoadedIndex, unit: int) -> frozenset[str]:
    """The numbers a unit states, normalised (text.numbers): what "the same fact" is compared on."""
    return frozenset(numbers(index.unit_texts[unit]))


def agreeing_groups(units: list[UnitCandidate], text: Callable[[UnitCandidate], str]) -> frozenset[int]:
    """The articles that state the best unit's fact too: one of their pooled units (best first)
    has the same numbers as the best unit (help centres repeat their figures: a FAQ and the
    article behind it). They back the answer rather than compete with it."""
    best = units[0]
    figures = frozenset(numbers(text(best)))
    if not figures:
        return frozenset({best.group})
    return frozenset({best.group} | {u.group for u in units if frozenset(numbers(text(u))) == figures})


def _in_customer_language(index: LoadedIndex, units: list[UnitCandidate], lang: str | None) -> list[UnitCandidate]:
    """When the best unit is not in the customer's language and its article has no version in
    it, but pooled units in that language state its figures (the FAQ behind the article),
    the one closest to the question answers: the same fact, in the customer's words."""
    best = units[0]
    if not lang or index.doc_langs[best.doc] == lang:
        return units
    if any(index.doc_langs[d] == lang for d in index.group_docs[best.group]):
        return units  # answer_units quotes the article's own version in `lang`
    figures = unit_figures(index, best.unit)
    if not figures:
        return units
    same = [u for u in units[1:] if index.doc_langs[u.doc] == lang and figures <= unit_figures(index, u.unit)]
    if not same:
        return units
    chosen = max(same, key=lambda u: u.features.get("sim", 0.0))
    return [chosen] + [x for x in units if x is not chosen]


def _cite_best_article(index: LoadedIndex, units: list[UnitCandidate]) -> list[UnitCandidate]:
    """When the best unit's sentence appears word for word in other articles too (help centres
    repeat their rules), cite the one whose passage around it is closest to the question."""
    best = units[0]
    text = " ".join(index.unit_texts[best.unit].lower().split())
    twins = [u for u in units if " ".join(index.unit_texts[u.unit].lower().split()) == text]
    if len(twins) < 2:
        return units

    chosen = max(twins, key=lambda u: u.features.get("chunk_sim", 0.0))
    if chosen is best:
        return units
    return [chosen] + [u for u in units if u is not chosen]


def _score_units(
    index: LoadedIndex,
    scored: Scored,
    pool: list[int],
    rows: dict[int, dict[str, float]],
    lang: str | None,
    models: Models,
) -> list[UnitCandidate]:
    feats = unit_features(index, scored, pool, rows, lang)
    scores = models.unit.logits(feats)
    out: list[UnitCandidate] = []
    for u, f, score in zip(pool, feats, scores, strict=True):
        chunk = int(index.unit_chunk[u])
        out.append(UnitCandidate(u, chunk, int(index.chunk_doc[chunk]), int(index.chunk_group[chunk]), f, score))
    out.sort(key=lambda c: (-c.score, c.unit))
    return out


def answer_units(
    index: LoadedIndex, scored: Scored, analysis: Analysis, lang: str | None, models: Models
) -> list[UnitCandidate]:
    """The units of the answer's article in the version to quote (`lang`, else English), best first.

    The best unit of the pool names the article; when it is in another version of the
    article, the units of the preferred version are scored and the best of them answers,
    except that a unit stating the best unit's figures goes first (the same fact, translated).
    """
    best = analysis.best
    if best is None:
        return []
    docs = preferred_docs(index, scored, best.group, lang)
    doc = docs[0] if docs else best.doc
    if doc == best.doc:
        return [u for u in analysis.units if u.doc == doc]
    units = _score_units(index, scored, doc_units(index, scored, [doc]), analysis.group_features, lang, models)
    figures = unit_figures(index, best.unit)
    same = [u for u in units if figures and figures <= unit_figures(index, u.unit)]
    return same[:1] + [u for u in units if u not in same[:1]]


def standing(index: LoadedIndex, scored: Scored) -> dict[str, float]:
    """How far the best chunk, unit and title stand out from all visible ones (z-scores of the
    plain cosines): a question the documents answer has a passage that stands out; an off-topic
    one has only near-misses. Scale-free, so comparable across languages."""
    doc_ok = np.zeros(len(index.doc_ids), dtype=bool)
    doc_ok[index.chunk_doc[scored.allowed]] = True
    out = {}
    for name, values, mask in (
        ("chunk_z", scored.chunk_raw, scored.allowed),
        ("unit_z", scored.unit_raw, scored.unit_allowed),
        ("title_z", scored.title_raw, doc_ok),
    ):
        v = values[mask]
        out[name] = float((v.max() - v.mean()) / (v.std() + 1e-6)) if v.size > 1 else 0.0
    return out


def question_features(
    units: list[UnitCandidate],
    groups: dict[int, dict[str, float]],
    *,
    known: float,
    lang_known: float,
    agreeing: frozenset[int] = frozenset(),
) -> dict[str, float]:
    """The features the confidence model may use (scoring.QUESTION_FEATURES), from the scored
    unit pool (best first) and the articles' features. `agreeing`: articles that state the best
    unit's fact too (see agreeing_groups); they count with the best article, not against it."""
    best = units[0]
    backing = agreeing | {best.group}
    other = next((u.score for u in units if u.group not in backing), best.score - 5.0)
    article = groups.get(best.group, {})
    rows = list(groups.values())
    best_lexical = max((r["lexical"] for r in rows), default=0.0)
    agree = 0.5 * article.get("dense_top", 0.0) + 0.5 * float(
        best_lexical > 0 and article.get("lexical", 0.0) >= best_lexical
    )
    scores = np.array([u.score for u in units], dtype=np.float64)
    weights = np.exp(scores - scores.max())
    mass = float(weights[[u.group in backing for u in units]].sum() / weights.sum())
    cross = 1.0 - lang_known
    out = {
        "top": best.score,
        "margin": best.score - other,
        "mass": mass,
        "sim": best.features["sim"],
        "chunk_sim": best.features["chunk_sim"],
        "overlap": best.features["overlap"],
        "kind": best.features["kind"],
        "quantity": best.features["quantity"],
        "known": known,
        "lang_known": lang_known,
        "agree": agree,
    }
    for name in (
        "raw",
        "title",
        "chunk",
        "chunk_gap",
        "coverage",
        "name_full",
        "name_other",
        "title_recall",
        "views_top",
        "versions",
    ):
        out[name] = article.get(name, 0.0)
    out["coverage_known"] = out["coverage"] * lang_known
    out["chunk_cross"] = out["chunk"] * cross
    out["top_cross"] = out["top"] * cross
    out["margin_cross"] = out["margin"] * cross
    return out
