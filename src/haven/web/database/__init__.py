"""Haven's database backends (Django ENGINE modules)."""
