"""Text helpers the answer depends on: kinds of numbers, yes/no questions, words, internal titles."""

from __future__ import annotations

import pytest

from klarsvar.knowledge.index import title_name
from klarsvar.knowledge.loaders import audience_of
from klarsvar.knowledge.text import asked_kinds, stated_kinds, tokens, without_words, yes_no_question


@pytest.mark.parametrize(
    ("question", "kinds"),
    [
        ("How many participants can a Split-the-Bill group have?", {"count"}),
        ("What is the monthly maintenance fee of the Purple Account?", {"money"}),
        ("What APY does the Cobalt Blue account earn?", {"percent"}),
        ("Hvor længe bliver mine betalinger sat på pause?", {"duration"}),
        ("Hur ofta dras delbetalningarna med Dela upp i 4?", {"duration"}),
        ("Lumo的分期融资（Financing）年利率是多少？", {"percent"}),
        ("逾期付款的滞纳金是多少？", {"money"}),
        ("Who decides on a dispute?", set()),
    ],
)
def test_the_kind_of_number_asked_for(question: str, kinds: set[str]) -> None:
    assert asked_kinds(question) == kinds


def test_the_kinds_of_number_stated() -> None:
    assert stated_kinds("Maximum participants per group: 30") == {"count"}
    assert stated_kinds("Maximum total amount that can be split: $5,500") == {"money"}
    assert stated_kinds("Reporting a return pauses the payments for 21 days.") == {"duration"}
    assert stated_kinds("Financing costs 19.99 % APR over 6–36 months.") == {"percent", "duration"}
    assert stated_kinds("No interest, no fee if paid on time.") == set()


def test_yes_no_questions_do_not_ask_for_a_value() -> None:
    assert yes_no_question("Can the assistant waive my late fee?")
    assert yes_no_question("Czy mogę odmrozić kartę?")
    assert yes_no_question("Lumo有储蓄账户吗？")
    assert not yes_no_question("How much is the late fee?")
    assert not yes_no_question("Wie hoch ist die Gebühr?")


def test_words_of_other_scripts_are_split_from_latin_names() -> None:
    assert tokens("Diamond Elite卡结转余额的利率是多少？") == ["diamon", "elite"]
    assert without_words("Wie hoch ist die Gebühr des Purple Account?", {"purple", "accoun"}) == (
        "Wie hoch ist die Gebühr des ?"
    )


def test_titles_marked_internal_are_internal() -> None:
    for title in ("Internal: PIN lock", "(Internal) Applying a Credit Card Statement Credit", "Bypass Code (Internal)"):
        assert audience_of(title) == "internal", title
    assert audience_of("Internal transfers between accounts") == "customer"
    assert audience_of("(Internal) anything", declared="customer") == "customer"


def test_the_name_part_of_a_title() -> None:
    assert title_name("Silver Rewards Card: Travel insurance") == "Silver Rewards Card"
    assert title_name("FAQ: Purple Account") == "FAQ: Purple Account"
    assert title_name("Returns") == "Returns"
