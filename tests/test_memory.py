"""Returning freed heap memory to the operating system (glibc) and doing nothing elsewhere."""

import sys

import pytest

from stance import memory


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="malloc_trim and /proc are Linux only")
def test_release_and_resident_memory_on_linux():
    assert memory.resident_bytes() > 10 * 2**20
    assert memory.release_freed_memory() is True


def test_watch_releases_only_after_growth(monkeypatch):
    calls = []
    levels = iter([100, 120, 200, 150, 160])
    monkeypatch.setattr(memory, "_malloc_trim", lambda: calls.append)
    monkeypatch.setattr(memory, "resident_bytes", lambda: next(levels))
    watch = memory.MemoryWatch(slack=50)  # level 100
    watch.step()  # 120: within the slack
    assert calls == []
    watch.step()  # 200: released, new level 150
    assert calls == [0] and watch.level == 150
    watch.step()  # 160
    assert calls == [0]


def test_nothing_happens_where_the_platform_has_no_malloc_trim(monkeypatch):
    monkeypatch.setattr(memory, "_malloc_trim", lambda: None)
    assert memory.release_freed_memory() is False
    watch = memory.MemoryWatch()
    watch.step()
    assert not watch.enabled
