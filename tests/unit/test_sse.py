"""A silent stream gets keep-alive comments; a reader that leaves early still lets the producer clean up."""

import threading
import time
from collections.abc import Iterator

import pytest

from shared.sse import KEEP_ALIVE, with_keep_alive


def slow_events(cleaned_up: threading.Event, pause_s: float = 0.25) -> Iterator[str]:
    try:
        for index in range(3):
            time.sleep(pause_s)
            yield f"event: data\ndata: {index}\n\n"
    finally:
        cleaned_up.set()


def test_silence_is_filled_with_comments_and_every_event_arrives_in_order() -> None:
    cleaned_up = threading.Event()
    received = list(with_keep_alive(slow_events(cleaned_up), interval_s=0.05))

    events = [item for item in received if item != KEEP_ALIVE]
    assert events == [f"event: data\ndata: {index}\n\n" for index in range(3)]
    assert received.count(KEEP_ALIVE) >= 3
    assert cleaned_up.is_set()


def test_a_reader_that_leaves_early_still_lets_the_events_clean_up() -> None:
    cleaned_up = threading.Event()
    stream = with_keep_alive(slow_events(cleaned_up, pause_s=0.05), interval_s=1)
    assert next(stream).endswith("data: 0\n\n")
    stream.close()  # type: ignore[attr-defined]
    assert cleaned_up.wait(timeout=2)


def test_an_error_in_the_events_reaches_the_reader() -> None:
    def failing() -> Iterator[str]:
        yield "event: data\ndata: first\n\n"
        raise RuntimeError("boom")

    stream = with_keep_alive(failing(), interval_s=1)
    assert next(stream) == "event: data\ndata: first\n\n"
    with pytest.raises(RuntimeError, match="boom"):
        next(stream)
