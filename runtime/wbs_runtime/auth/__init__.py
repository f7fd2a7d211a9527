"""Who is calling: the signed assertion directory issues and every service verifies."""
