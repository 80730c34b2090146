"""The LLM gateway runtime: the model catalog (conf/model_config.yaml), providers, quotas and model spans."""
