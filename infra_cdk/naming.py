"""Construct ids from our kebab-case names. Ids fix CloudFormation logical ids: never derive them from order."""

import re


def pascal_case(name: str) -> str:
    """`"personal-access-tokens"` → `"PersonalAccessTokens"`."""
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^A-Za-z0-9]+", name) if part)
