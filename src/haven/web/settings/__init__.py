"""Settings split by concern: base (shared), local (default), production, test."""
