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


def test_weighed_values_are_kept_within_their_weight_and_one_too_heavy_is_not_kept():
    memo: Memo[bytes] = Memo(10, weigh=len, max_weight=10)
    assert memo.get("a", lambda: b"aaaa") == b"aaaa"
    memo.get("b", lambda: b"bbbb")
    memo.get("c", lambda: b"cccc")  # 12 bytes: the oldest goes
    assert "a" not in memo and "b" in memo and "c" in memo and memo.weight == 8
    assert memo.get("big", lambda: b"x" * 11) == b"x" * 11  # answered, not kept
    assert "big" not in memo and "b" in memo and memo.weight == 8
