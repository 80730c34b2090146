"""Per model and scenario quotas (scenario_configs.quota), enforced across Lambda instances.

One DynamoDB counter item per (model, scenario, minute): a conditional ADD admits a call only while the
minute's requests stay under qpm and its tokens (counted by max_tokens, as upstream does) under tpm.
Counters expire with a TTL two minutes after their minute ends.
"""

from pynamodb.attributes import UnicodeAttribute
from pynamodb.exceptions import UpdateError
from pynamodb.models import Model

from shared.clock import now_ms
from shared.dynamo import IntegerAttribute, is_condition_failure, table_meta
from shared.errors import RateLimited
from shared.llm.catalog import ModelEntry, Scenario


class ModelQuotaItem(Model):
    Meta = table_meta("model-quotas", ttl_attribute="expires_at")

    counter_key = UnicodeAttribute(hash_key=True)  # "<model id>#<scenario>#<minute since epoch>"
    requests = IntegerAttribute(default=0)
    tokens = IntegerAttribute(default=0)
    expires_at = IntegerAttribute()  # epoch seconds


def admit(model: ModelEntry, scenario: Scenario, max_tokens: int) -> None:
    """Counts one call against the minute's quota, or raises RateLimited (429) without counting it."""
    quota = model.scenario(scenario).quota
    if quota.qpm == 0 and quota.tpm == 0:
        return
    max_tokens = min(max_tokens, quota.tpm) if quota.tpm else max_tokens  # the gateway refuses larger asks
    minute = now_ms() // 60_000
    item = ModelQuotaItem(f"{model.id}#{scenario}#{minute}")
    condition = None
    if quota.qpm:
        condition = ModelQuotaItem.requests.does_not_exist() | (ModelQuotaItem.requests < quota.qpm)
    if quota.tpm:
        fits = ModelQuotaItem.tokens.does_not_exist() | (ModelQuotaItem.tokens <= quota.tpm - max_tokens)
        condition = fits if condition is None else condition & fits
    try:
        item.update(
            actions=[
                ModelQuotaItem.requests.add(1),
                ModelQuotaItem.tokens.add(max_tokens),
                ModelQuotaItem.expires_at.set((minute + 3) * 60),
            ],
            condition=condition,
        )
    except UpdateError as error:
        if is_condition_failure(error):
            wait_s = 60 - (now_ms() // 1000) % 60
            limits = ", ".join(
                part
                for part in (f"{quota.qpm} calls" if quota.qpm else "", f"{quota.tpm} tokens" if quota.tpm else "")
                if part
            )
            raise RateLimited(
                f"model {model.name} allows {limits} a minute in scenario {scenario}; "
                f"this minute's quota is used up, try again in {wait_s} s"
            ) from error
        raise


LLM_TABLES: tuple[type[Model], ...] = (ModelQuotaItem,)
