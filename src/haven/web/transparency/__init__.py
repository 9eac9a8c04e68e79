"""Public transparency pages (docs/transparency.md): every force's policy side by side,
one force's policy with its history and the ledger's latest checkpoint, and what each
reform changed, computed from the engine's diffs. No sign-in, and no personal data."""
