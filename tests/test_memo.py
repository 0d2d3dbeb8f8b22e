"""The site's cache: each key computed once, whoever asks at the same time; bounded."""

from __future__ import annotations

import threading

import pytest

from headcount.memo import Memo


def test_two_threads_asking_for_one_key_share_one_computation():
    memo: Memo[int] = Memo(4)
    calls: list[str] = []
    second_asked = threading.Event()

    def compute() -> int:
        calls.append(threading.current_thread().name)
        second_asked.wait(timeout=5)  # the other thread is asking meanwhile (or has asked)
        return 42

    def second() -> None:
        second_asked.set()
        results.append(memo.get("revision 2", compute))

    results: list[int] = []
    other = threading.Thread(target=second)
    first = threading.Thread(target=lambda: results.append(memo.get("revision 2", compute)))
    first.start()
    other.start()
    first.join()
    other.join()
    assert results == [42, 42] and len(calls) == 1


def test_a_failed_computation_is_not_kept_and_the_oldest_key_goes_first():
    memo: Memo[int] = Memo(2)

    def fail() -> int:
        raise OSError("the store was locked")

    with pytest.raises(OSError):
        memo.get("a", fail)
    assert memo.get("a", lambda: 1) == 1
    memo.get("b", lambda: 2)
    memo.get("a", lambda: 0)  # used again: now the newest
    memo.get("c", lambda: 3)
    assert "a" in memo and "c" in memo and "b" not in memo
