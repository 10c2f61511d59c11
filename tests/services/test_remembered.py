"""The per-process store of values read from the database while their marker holds."""
from marketplace.services.remembered import Remembered, forget_all


def test_a_value_is_computed_once_per_marker_and_the_least_recent_key_goes_first():
    computed = []
    store = Remembered(kept=2)

    def value(key, marker):
        return store.get(key, marker, lambda: computed.append((key, marker)) or f"{key}@{marker}")

    assert value("a", 1) == "a@1" and value("a", 1) == "a@1" and computed == [("a", 1)]
    assert value("a", 2) == "a@2" and computed[-1] == ("a", 2)  # a new marker: computed again
    value("b", 1)
    value("a", 2)  # a is now the most recently used
    value("c", 1)  # over two keys: b, the least recently used, is dropped
    computed.clear()
    value("a", 2)
    value("b", 1)
    assert computed == [("b", 1)]


def test_forget_all_empties_every_store():
    first, second, calls = Remembered(kept=4), Remembered(kept=4), []
    for store in (first, second):
        store.get("k", 1, lambda: calls.append(1))
    forget_all()
    for store in (first, second):
        store.get("k", 1, lambda: calls.append(1))
    assert len(calls) == 4
