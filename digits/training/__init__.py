"""The CNN, built from params.yaml, and how it trains (on one machine or several)."""
