"""Investigation's domain: case files. No I/O here."""
