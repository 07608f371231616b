"""How long a sign-in must wait after failed ones, counted per user name and per client address.

Pure Python and process-wide (the one server process serves every session), so a new tab or a
new script's session starts where the last one left off: before, each websocket session had its
own count and a new one reset it.

After a few free failures (NAME_FREE_FAILURES for a name, ADDRESS_FREE_FAILURES for an address:
an office may share one address), each further attempt waits FIRST_WAIT seconds after the last
failure, doubling up to LONGEST_WAIT. A delay, never a lock: a stranger guessing at a real user's
name can hold that user up for LONGEST_WAIT at most, and gets one guess per LONGEST_WAIT for it.
An attempt counts as failed from the moment it starts (and is taken back when it succeeds), so
attempts made at once are counted at once. Counts are forgotten FORGET_AFTER seconds after the
last failure, a name's when it signs in, and all of them when the server restarts; at most
MAX_KEPT names and addresses each are remembered, the oldest dropped first.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

NAME_FREE_FAILURES = 3
ADDRESS_FREE_FAILURES = 10
FIRST_WAIT = 5.0  # seconds
LONGEST_WAIT = 30.0
FORGET_AFTER = 15 * 60.0
MAX_KEPT = 10_000


@dataclass
class _Count:
    failures: int
    last: float  # time.monotonic() of the last failure


class Backoff:
    """Failures per key (a name, an address) and the wait they impose; thread-safe."""

    def __init__(self, free: int) -> None:
        self.free = free
        self._counts: OrderedDict[str, _Count] = OrderedDict()
        self._lock = threading.Lock()

    def wait(self, key: str, now: float) -> float:
        """Seconds before `key` may try again; 0 when it may now."""
        with self._lock:
            return self._wait(key, now)

    def _wait(self, key: str, now: float) -> float:
        count = self._counts.get(key)
        if count is None or now - count.last > FORGET_AFTER:
            return 0.0
        if count.failures < self.free:
            return 0.0
        delay = min(LONGEST_WAIT, FIRST_WAIT * 2 ** (count.failures - self.free))
        return max(0.0, count.last + delay - now)

    def fail(self, key: str, now: float) -> None:
        with self._lock:
            count = self._counts.pop(key, None)
            if count is None or now - count.last > FORGET_AFTER:
                count = _Count(0, now)
            count.failures, count.last = count.failures + 1, now
            self._counts[key] = count  # now the newest
            while len(self._counts) > MAX_KEPT:
                self._counts.popitem(last=False)

    def take_back(self, key: str) -> None:
        """One failure fewer: an attempt counted when it started turned out right."""
        with self._lock:
            count = self._counts.get(key)
            if count is not None:
                count.failures -= 1
                if count.failures <= 0:
                    del self._counts[key]

    def forget(self, key: str) -> None:
        with self._lock:
            self._counts.pop(key, None)


class SignInLimits:
    """The two counts a sign-in attempt passes: its user name's and its client address's."""

    def __init__(self) -> None:
        self.names = Backoff(NAME_FREE_FAILURES)
        self.addresses = Backoff(ADDRESS_FREE_FAILURES)
        self._lock = threading.Lock()

    def begin(self, name: str, address: str, now: float | None = None) -> float:
        """Before checking a password: the seconds to wait (nothing is counted), or 0, and the
        attempt is counted as a failure until `succeeded` takes it back."""
        now = time.monotonic() if now is None else now
        name = normal_name(name)
        with self._lock:  # the look and the count as one step, so attempts at once all count
            wait = max(self.names.wait(name, now), self.addresses.wait(address, now))
            if wait == 0:
                self.names.fail(name, now)
                self.addresses.fail(address, now)
        return wait

    def succeeded(self, name: str, address: str) -> None:
        """The password was right: the name starts afresh; the address keeps its other failures."""
        self.names.forget(normal_name(name))
        self.addresses.take_back(address)


def normal_name(name: str) -> str:
    """A user name as auth.verify looks it up, so "Wang " and "wang" are one name here too."""
    return name.strip().lower()


LIMITS = SignInLimits()  # the server process's
