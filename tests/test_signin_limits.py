"""The sign-in waits on their own: per name and per address, growing, capped, forgotten, bounded.

tests/test_server_guards.py holds them against a real server across sessions; here the rules."""

from __future__ import annotations

import threading

import pytest

from coopdash.webapp import signin_limits
from coopdash.webapp.signin_limits import (
    ADDRESS_FREE_FAILURES,
    FIRST_WAIT,
    FORGET_AFTER,
    LONGEST_WAIT,
    NAME_FREE_FAILURES,
    SignInLimits,
)


def fail(limits: SignInLimits, name: str, address: str, now: float, times: int = 1) -> None:
    for _ in range(times):
        assert limits.begin(name, address, now) == 0


def test_a_name_waits_after_its_free_failures_whatever_the_address():
    limits = SignInLimits()
    for n in range(NAME_FREE_FAILURES):
        fail(limits, "wang", f"203.0.113.{n}", now=100.0)
    assert limits.begin("wang", "198.51.100.1", now=101.0) == FIRST_WAIT - 1
    assert limits.begin(" WANG ", "198.51.100.1", now=101.0) == FIRST_WAIT - 1  # as auth.verify reads names
    assert limits.begin("li", "198.51.100.1", now=101.0) == 0  # another name is not held up


def test_an_address_waits_after_its_free_failures_whatever_the_name():
    limits = SignInLimits()
    for n in range(ADDRESS_FREE_FAILURES):
        fail(limits, f"name-{n}", "203.0.113.1", now=100.0)
    assert limits.begin("fresh", "203.0.113.1", now=100.0) == FIRST_WAIT
    assert limits.begin("fresh", "203.0.113.2", now=100.0) == 0


def test_the_wait_doubles_up_to_the_longest_and_is_never_a_lock():
    limits = SignInLimits()
    now, waits = 0.0, []
    fail(limits, "wang", "a", now, NAME_FREE_FAILURES)
    for _ in range(8):
        wait = limits.begin("wang", "a", now)
        waits.append(wait)
        now += wait  # the attacker tries again the moment the wait is over
        fail(limits, "wang", "a", now)
    assert waits[:4] == [FIRST_WAIT, 2 * FIRST_WAIT, 4 * FIRST_WAIT, min(LONGEST_WAIT, 8 * FIRST_WAIT)]
    assert max(waits) == LONGEST_WAIT  # a real user is held up this long at most
    assert limits.begin("wang", "a", now + LONGEST_WAIT) == 0


def test_a_wait_refuses_without_counting():
    limits = SignInLimits()
    fail(limits, "wang", "a", 0.0, NAME_FREE_FAILURES)
    for _ in range(20):
        assert limits.begin("wang", "a", 1.0) > 0
    assert limits.begin("wang", "a", FIRST_WAIT) == 0  # the waits did not make it longer


def test_signing_in_clears_the_name_but_not_the_address():
    limits = SignInLimits()
    fail(limits, "wang", "a", 0.0, NAME_FREE_FAILURES - 1)
    assert limits.begin("wang", "a", 0.0) == 0  # the right password this time
    limits.succeeded("wang", "a")
    fail(limits, "wang", "a", 0.0, NAME_FREE_FAILURES)  # the name starts afresh
    assert limits.addresses.wait("a", 0.0) == 0
    counted = 2 * NAME_FREE_FAILURES - 1  # all the failures, not the right one
    for n in range(ADDRESS_FREE_FAILURES - counted):
        fail(limits, f"other-{n}", "a", 0.0)
    assert limits.begin("y", "a", 0.0) > 0  # the address kept its failures


def test_failures_are_forgotten_after_a_while():
    limits = SignInLimits()
    fail(limits, "wang", "a", 0.0, NAME_FREE_FAILURES)
    assert limits.begin("wang", "a", 1.0) > 0
    assert limits.begin("wang", "a", FORGET_AFTER + 1) == 0


def test_attempts_at_once_all_count():
    """Twelve tabs guessing at once get the free attempts, not twelve."""
    limits = SignInLimits()
    barrier = threading.Barrier(12)
    waits = []

    def guess() -> None:
        barrier.wait()
        waits.append(limits.begin("wang", "a", 0.0))

    threads = [threading.Thread(target=guess) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(waits).count(0) == NAME_FREE_FAILURES


def test_memory_is_bounded(monkeypatch):
    monkeypatch.setattr(signin_limits, "MAX_KEPT", 50)
    limits = SignInLimits()
    for n in range(500):
        fail(limits, f"name-{n}", f"address-{n}", 0.0)
    assert len(limits.names._counts) == len(limits.addresses._counts) == 50


@pytest.mark.parametrize("name", ["wang", "Wang", " wang"])
def test_names_are_read_as_the_users_file_reads_them(name):
    assert signin_limits.normal_name(name) == "wang"
