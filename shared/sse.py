"""Server-sent events that survive silence: proxies drop a response that sends nothing for a while
(CloudFront's origin read timeout is 60 s), and a model can think longer than that before its first token."""

import queue
import threading
from collections.abc import Iterator

KEEP_ALIVE = ": keep-alive\n\n"  # an SSE comment: readers, the cozeloop SDK's included, skip it


def with_keep_alive(events: Iterator[str], interval_s: float = 15.0) -> Iterator[str]:
    """Yields `events`, and a keep-alive comment whenever they are silent for `interval_s`.

    The events are produced in a thread of their own. When the reader stops early (a closed tab), the
    producer is told and closes `events` after its current step, so their own cleanup (spans, history)
    still runs.
    """
    channel: queue.Queue[tuple[str, object]] = queue.Queue(maxsize=64)
    stopped = threading.Event()

    def produce() -> None:
        try:
            for event in events:
                while not stopped.is_set():
                    try:
                        channel.put(("event", event), timeout=interval_s)
                        break
                    except queue.Full:
                        continue
                if stopped.is_set():
                    break
        except BaseException as error:  # handed to the reader, which raises it where the stream is read
            channel.put(("error", error))
        finally:
            close = getattr(events, "close", None)
            if close is not None:
                close()
            channel.put(("done", None))

    threading.Thread(target=produce, name="sse-producer", daemon=True).start()
    try:
        while True:
            try:
                kind, value = channel.get(timeout=interval_s)
            except queue.Empty:
                yield KEEP_ALIVE
                continue
            if kind == "done":
                return
            if kind == "error":
                assert isinstance(value, BaseException)
                raise value
            assert isinstance(value, str)
            yield value
    finally:
        stopped.set()
