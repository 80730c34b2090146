"""How long a workspace keeps its spans (default 30 days), and the job that deletes expired partitions."""

from dataclasses import dataclass

from shared.clock import now_ms
from shared.settings import get_settings
from shared.traces.layout import HOUR_US
from shared.traces.models import TraceSettingsItem
from shared.traces.settings import TraceSettings
from shared.traces.store import delete_keys, list_files, list_workspaces
from shared.ttl_cache import TTLCache

DAY_US = 24 * HOUR_US
TTL_CHOICES = (3, 7, 30, 90, 180, 365)  # upstream's retention tiers
_ttl_cache: TTLCache[str, int] = TTLCache(ttl_s=60)


def ttl_days(workspace_id: str) -> int:
    cached = _ttl_cache.get(workspace_id)
    if cached is not None:
        return cached
    try:
        days = TraceSettingsItem.get(workspace_id).ttl_days
    except TraceSettingsItem.DoesNotExist:
        days = get_settings(TraceSettings).default_ttl_days
    _ttl_cache.put(workspace_id, days)
    return days


def set_ttl_days(workspace_id: str, days: int, user_id: str) -> None:
    if days not in TTL_CHOICES:
        raise ValueError(f"ttl_days must be one of {', '.join(map(str, TTL_CHOICES))}")
    TraceSettingsItem(workspace_id, ttl_days=days, updated_by=user_id, updated_at=now_ms()).save()
    _ttl_cache.put(workspace_id, days)


def retention_start_us(workspace_id: str, now_us: int) -> int:
    """Spans that started before this are expired: queries never show them, even before they are deleted."""
    return now_us - ttl_days(workspace_id) * DAY_US


@dataclass
class RetentionReport:
    workspaces: int = 0
    deleted_files: int = 0


def delete_expired(now_us: int) -> RetentionReport:
    """Deletes every hour partition that ended before its workspace's retention start."""
    report = RetentionReport()
    for workspace_id in list_workspaces():
        report.workspaces += 1
        # The partitions up to the one holding (cutoff - 1 hour) are exactly those that ended by the cutoff.
        expired = list_files(workspace_id, 0, retention_start_us(workspace_id, now_us) - HOUR_US)
        delete_keys([file.key for file in expired])
        report.deleted_files += len(expired)
    return report
