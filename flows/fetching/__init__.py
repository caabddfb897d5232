"""HTTP for live sources: polite, bounded, and recording every response it gets."""
