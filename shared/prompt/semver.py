"""Commit versions are semver `MAJOR.MINOR.PATCH`; each commit of a prompt must be higher than the last."""

import re

from shared.errors import InvalidInput

SEMVER = re.compile(r"^(0|[1-9]\d{0,5})\.(0|[1-9]\d{0,5})\.(0|[1-9]\d{0,5})$")


def parse_version(version: str, field: str = "commit_version") -> tuple[int, int, int]:
    match = SEMVER.match(version)
    if not match:
        raise InvalidInput(f"{field}: {version!r} is not a version like 1.0.0 (MAJOR.MINOR.PATCH, numbers only)")
    major, minor, patch = (int(part) for part in match.groups())
    return major, minor, patch


def sort_key(version: str) -> str:
    """A string that sorts like the version does (DynamoDB sorts range keys as text)."""
    return ".".join(f"{part:06d}" for part in parse_version(version))
