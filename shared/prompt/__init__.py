"""The prompt domain: entities as upstream's IDL (prompt/domain/prompt.thrift), templates, storage."""
