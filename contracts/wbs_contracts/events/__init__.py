"""One module per producing service; one model per event type and version."""
