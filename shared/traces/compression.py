"""Request bodies sent with Content-Encoding: decompressed with a bound, so a few kilobytes of gzip cannot
fill a function's memory."""

import zlib

from shared.errors import InvalidInput, PayloadTooLarge


def decompress(body: bytes, content_encoding: str | None, limit: int) -> bytes:
    """The body as sent before compression (gzip, x-gzip, deflate or none); PayloadTooLarge past `limit`."""
    encoding = (content_encoding or "").strip().lower()
    if encoding in ("", "identity"):
        if len(body) > limit:
            raise PayloadTooLarge(f"the body exceeds {limit >> 20} MiB: send smaller batches")
        return body
    if encoding not in ("gzip", "x-gzip", "deflate"):
        raise InvalidInput(f"unsupported Content-Encoding {content_encoding!r}: send gzip, deflate or no encoding")
    try:
        if encoding == "deflate":
            return _inflate_deflate(body, limit)
        return _inflate(body, 16 + zlib.MAX_WBITS, limit)
    except zlib.error as exc:
        raise InvalidInput(
            f"the body is not valid {encoding} data ({exc}): compress it with {encoding} or drop Content-Encoding"
        ) from exc


def _inflate_deflate(body: bytes, limit: int) -> bytes:
    # HTTP's deflate is zlib-wrapped, but some clients send a raw deflate stream.
    try:
        return _inflate(body, zlib.MAX_WBITS, limit)
    except zlib.error:
        return _inflate(body, -zlib.MAX_WBITS, limit)


def _inflate(body: bytes, wbits: int, limit: int) -> bytes:
    """Decompresses gzip members (or one zlib/deflate stream) up to `limit` bytes."""
    out = bytearray()
    data = body
    while data:
        stream = zlib.decompressobj(wbits)
        out += stream.decompress(data, limit + 1 - len(out))
        if len(out) > limit or stream.unconsumed_tail:
            raise PayloadTooLarge(f"the decompressed body exceeds {limit >> 20} MiB: send smaller batches")
        if not stream.eof:
            raise zlib.error("the compressed stream is truncated")
        data = stream.unused_data if wbits > zlib.MAX_WBITS else b""  # only gzip may concatenate members
    return bytes(out)
