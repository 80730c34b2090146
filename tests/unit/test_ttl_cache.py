import time

from shared.ttl_cache import TTLCache


def test_entries_expire_and_can_be_dropped() -> None:
    cache: TTLCache[str, int] = TTLCache(ttl_s=0.05)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1
    cache.discard("b")
    assert cache.get("b") is None
    time.sleep(0.06)
    assert cache.get("a") is None


def test_size_is_bounded_oldest_first() -> None:
    cache: TTLCache[int, int] = TTLCache(ttl_s=60, max_entries=3)
    for key in range(5):
        cache.put(key, key)
    assert [cache.get(key) for key in range(5)] == [None, None, 2, 3, 4]


def test_zero_ttl_caches_nothing() -> None:
    cache: TTLCache[str, int] = TTLCache(ttl_s=0)
    cache.put("a", 1)
    assert cache.get("a") is None


def test_get_or_load_caches_hits_but_not_misses() -> None:
    cache: TTLCache[str, int] = TTLCache(ttl_s=60)
    calls: list[str] = []

    def load(value: int | None) -> int | None:
        calls.append("load")
        return value

    assert cache.get_or_load("a", lambda: load(None)) is None
    assert cache.get_or_load("a", lambda: load(1)) == 1
    assert cache.get_or_load("a", lambda: load(2)) == 1
    assert calls == ["load", "load"]
