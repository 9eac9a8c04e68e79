"""Writing the export directory from the site's database (`haven ledger export`).

An export publishes the latest *published* checkpoint and exactly the leaves it covers,
never a fresh signature: it reveals no more than the scheduled checkpoints do about when
entries arrived. Before anything is written, the stored log is checked (the head, the
sequence of positions, every stored tree node, the checkpoint's root and signature), so
a damaged database gives one clear reason instead of a broken export or a traceback.
"""

from __future__ import annotations

import hmac
from pathlib import Path

from haven.ledger.checkpoint import Checkpoint
from haven.ledger.errors import (
    InvalidCheckpointError,
    InvalidNoteError,
    InvalidSignatureError,
    LedgerError,
)
from haven.ledger.export import write_export
from haven.web.ledger.audit import stored_tree_finding
from haven.web.ledger.selectors import checkpoint_latest, leaves_upto, ledger_vkey

AUDIT_HINT = (
    "nothing was exported; `haven ledger audit` checks the rest, and the database "
    "should be restored from a backup"
)


class LedgerExportError(Exception):
    """The export cannot be written; the message says why and what to do (one line)."""


def ledger_export(directory: Path) -> Checkpoint:
    """Write the export of the latest published checkpoint into a new or empty `directory`.

    Raises:
        LedgerExportError: no checkpoint is published, the database is damaged, or the
            directory cannot be used.
    """
    published = checkpoint_latest()
    if published is None:
        raise LedgerExportError(
            "no checkpoint has been published yet: the task worker signs one every hour "
            "(`haven tasks run`), or sign one now with `haven ledger checkpoint`"
        )
    size = published.size
    finding, roots = stored_tree_finding(sizes={size})
    if finding is not None:
        raise LedgerExportError(
            f"the ledger in the database is damaged: {finding.message}; {AUDIT_HINT}"
        )
    if size not in roots:
        raise LedgerExportError(
            f"the ledger in the database is damaged: the published checkpoint covers {size:,} "
            f"entries, more than the log holds; {AUDIT_HINT}"
        )
    if not hmac.compare_digest(bytes(published.root), roots[size]):
        raise LedgerExportError(
            f"the ledger in the database is damaged: the published checkpoint of size {size} "
            f"does not sign the root of the stored leaves at that size; {AUDIT_HINT}"
        )
    try:
        return write_export(
            directory,
            leaves=leaves_upto(size=size),
            checkpoint_note=published.note,
            vkey=ledger_vkey(),
            entry_bundles=True,
        )
    except FileExistsError as error:
        raise LedgerExportError(f"{error}; choose a new or empty directory") from None
    except (InvalidNoteError, InvalidSignatureError, InvalidCheckpointError) as error:
        raise LedgerExportError(
            f"the ledger in the database is damaged: the published checkpoint of size {size} "
            f"does not verify with the log's key ({error}); {AUDIT_HINT}"
        ) from None
    except (LedgerError, ValueError) as error:
        raise LedgerExportError(
            f"the ledger in the database is damaged: {error}; {AUDIT_HINT}"
        ) from None
    except OSError as error:
        raise LedgerExportError(
            f"cannot write the export in {directory}: {error.strerror or error}"
        ) from None
