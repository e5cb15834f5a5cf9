"""The isolated engine's request table: the watchdog, which a new request wakes only when it
must look sooner, still answers every deadline, and names the child to kill."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from store import QueryTimeout
from store.engine_requests import Requests, resolve


@pytest.fixture
def killed() -> list[set[int]]:
    return []


@pytest.fixture
def requests(killed: list[set[int]]) -> Iterator[Requests]:
    table = Requests(killed.append, idle_look=3600)  # idle, it would look once an hour
    yield table
    table.close()


def test_a_short_deadline_wakes_the_sleeping_watchdog(
    requests: Requests, killed: list[set[int]]
) -> None:
    relaxed = requests.new("query_encoded", (), timeout=3600)
    short = requests.new("query_encoded", (), timeout=0.3)
    with requests.lock:
        requests.track(relaxed, 7)
        requests.track(short, 7)
    # answered long before the hour the watchdog would otherwise sleep
    assert isinstance(short.future.exception(timeout=30), QueryTimeout)
    assert killed == [{7}]
    assert not relaxed.future.done()
    assert requests.answered(short.id) is None  # taken from the table: a late answer is dropped
    assert requests.answered(relaxed.id) is relaxed


def test_a_waiting_request_times_out_without_a_kill(
    requests: Requests, killed: list[set[int]]
) -> None:
    """During a restart nothing runs it: it fails at its deadline, no child is killed."""
    waiting = requests.new("select", (), timeout=0.2)
    with requests.lock:
        requests.track(waiting, None)
    assert isinstance(waiting.future.exception(timeout=30), QueryTimeout)
    assert killed == []
    assert requests.waiting == []


def test_answered_requests_leave_the_table(requests: Requests) -> None:
    done = threading.Event()
    request = requests.new("ask", (), timeout=None)
    request.future.add_done_callback(lambda _: done.set())
    with requests.lock:
        requests.track(request, 1)
    assert requests.in_flight == 1
    taken = requests.answered(request.id)
    assert taken is request
    resolve(taken, True)
    assert done.wait(5) and request.future.result() is True
    assert requests.in_flight == 0
    assert requests.close() == []
    assert requests.close() is None  # closing twice is harmless
