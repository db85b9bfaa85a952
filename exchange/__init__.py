"""The national exchange: the data standard every service imports (``exchange.standard``) and the
exchange service itself (identity index, claims, event ingestion, conflicts, verification)."""
