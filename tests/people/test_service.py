"""Users, argon2 password hashes, expiring server-side sessions and CSRF tokens."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from klarsvar.core.clock import FixedClock
from klarsvar.people import csrf
from klarsvar.people.models import Role
from klarsvar.people.passwords import hash_password, needs_rehash, verify_password
from klarsvar.people.service import PeopleError, PeopleService, session_id_of
from klarsvar.storage.database import Database
from klarsvar.storage.people_tables import UserRow, UserSessionRow

PASSWORD = "correct horse battery"


@pytest.fixture
def people(db: Database) -> PeopleService:
    return PeopleService(db, FixedClock(), idle=timedelta(minutes=60), lifetime=timedelta(hours=12))


def test_passwords_are_stored_as_argon2id_hashes(people: PeopleService, db: Database) -> None:
    people.create_user("ada", PASSWORD, Role.AGENT, "Ada")
    with db.session() as session:
        stored = session.scalars(select(UserRow.password_hash)).one()
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored
    assert verify_password(stored, PASSWORD)
    assert not verify_password(stored, PASSWORD + "!")
    assert not needs_rehash(stored)
    assert hash_password(PASSWORD) != stored  # salted


def test_verify_without_a_hash_is_false() -> None:
    assert verify_password(None, "anything at all") is False
    assert verify_password("not-a-hash", "anything at all") is False


def test_sign_in_returns_a_token_the_database_never_sees(people: PeopleService, db: Database) -> None:
    user = people.create_user("ada", PASSWORD, "agent", "Ada Lovelace")
    token, session = people.sign_in("ADA ", PASSWORD)
    assert session.user == people.session(token).user  # type: ignore[union-attr]
    assert session.user.id == user.id and session.user.role is Role.AGENT
    assert len(token) >= 40 and len(session.csrf_token) >= 40
    with db.session() as s:
        ids = s.scalars(select(UserSessionRow.id)).all()
    assert ids == [session_id_of(token)] and token not in ids


@pytest.mark.parametrize(("username", "password"), [("ada", "wrong password"), ("nobody", PASSWORD), ("ada", "")])
def test_wrong_credentials_are_refused_alike(people: PeopleService, username: str, password: str) -> None:
    people.create_user("ada", PASSWORD, "agent")
    with pytest.raises(PeopleError) as err:
        people.sign_in(username, password)
    assert err.value.code == "invalid_credentials"
    assert err.value.message == "Wrong username or password."


def test_a_disabled_user_cannot_sign_in_and_loses_their_sessions(people: PeopleService) -> None:
    user = people.create_user("ada", PASSWORD, "agent")
    token, _ = people.sign_in("ada", PASSWORD)
    people.set_active(user.id, False)
    assert people.session(token) is None
    with pytest.raises(PeopleError):
        people.sign_in("ada", PASSWORD)


def test_sessions_expire_after_idle_time(db: Database) -> None:
    clock = FixedClock()
    people = PeopleService(db, clock, idle=timedelta(minutes=60), lifetime=timedelta(hours=12))
    people.create_user("ada", PASSWORD, "agent")
    token, _ = people.sign_in("ada", PASSWORD)
    clock.advance(timedelta(minutes=59))
    assert people.session(token) is not None  # used: the idle time starts again
    clock.advance(timedelta(minutes=59))
    assert people.session(token) is not None
    clock.advance(timedelta(minutes=61))
    assert people.session(token) is None


def test_sessions_end_after_their_lifetime_even_when_used(db: Database) -> None:
    clock = FixedClock()
    people = PeopleService(db, clock, idle=timedelta(minutes=60), lifetime=timedelta(hours=3))
    people.create_user("ada", PASSWORD, "agent")
    token, _ = people.sign_in("ada", PASSWORD)
    for _ in range(5):
        clock.advance(timedelta(minutes=35))
        assert people.session(token) is not None
    clock.advance(timedelta(minutes=6))  # 3 h 1 min after sign-in
    assert people.session(token) is None


def test_sign_out_and_expire(people: PeopleService) -> None:
    people.create_user("ada", PASSWORD, "agent")
    first, _ = people.sign_in("ada", PASSWORD)
    second, _ = people.sign_in("ada", PASSWORD)
    people.sign_out(first)
    people.expire_session(second)
    assert people.session(first) is None
    assert people.session(second) is None
    assert people.session("made-up-token") is None
    assert people.session(None) is None


def test_a_new_password_ends_every_session(people: PeopleService) -> None:
    user = people.create_user("ada", PASSWORD, "agent")
    token, _ = people.sign_in("ada", PASSWORD)
    people.set_password(user.id, "another long password")
    assert people.session(token) is None
    with pytest.raises(PeopleError):
        people.sign_in("ada", PASSWORD)
    assert people.sign_in("ada", "another long password")[1].user.id == user.id


@pytest.mark.parametrize(
    ("username", "password", "role", "code"),
    [("ada", "short", "agent", "weak_password"), ("Ada Lovelace", PASSWORD, "agent", "invalid_username"),
     ("ada", PASSWORD, "boss", "invalid_role")],
)
def test_invalid_users_are_refused(people: PeopleService, username: str, password: str, role: str, code: str) -> None:
    with pytest.raises(PeopleError) as err:
        people.create_user(username, password, role)
    assert err.value.code == code


def test_usernames_are_unique(people: PeopleService) -> None:
    people.create_user("ada", PASSWORD, "agent")
    with pytest.raises(PeopleError) as err:
        people.create_user("ADA", PASSWORD, "admin")
    assert err.value.code == "username_taken"


def test_ensure_user_resets_a_demo_account(people: PeopleService) -> None:
    people.ensure_user("agent", PASSWORD, "agent", "Alex")
    user = people.ensure_user("agent", "a different password", "supervisor", "Alex Agent")
    assert user.role is Role.SUPERVISOR and user.display_name == "Alex Agent"
    assert people.sign_in("agent", "a different password")[1].user.id == user.id
    assert len(people.users()) == 1


def test_roles_nest() -> None:
    assert Role.ADMIN.covers(Role.SUPERVISOR) and Role.ADMIN.covers(Role.AGENT)
    assert Role.SUPERVISOR.covers(Role.AGENT) and not Role.SUPERVISOR.covers(Role.ADMIN)
    assert not Role.AGENT.covers(Role.SUPERVISOR)


def test_csrf_tokens() -> None:
    token = csrf.new_token()
    assert csrf.tokens_match(token, token)
    assert not csrf.tokens_match(token, token[:-1] + ("a" if token[-1] != "a" else "b"))
    assert not csrf.tokens_match(token, None)
    assert not csrf.tokens_match(None, None)
    assert not csrf.tokens_match("", "")
