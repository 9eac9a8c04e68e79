"""PostgreSQL: `haven_ledger_append`, a whole append in one statement.

Every append locks the log's head and holds the lock until its transaction commits, so
every writer queues behind whatever the holder still does. With the append done by the
server in one call (claim the positions, read the tree's right edge, hash the new nodes
as `haven.ledger.tree.append_leaves` does, insert the entries and the nodes), the holder
has nothing left to do but commit: the site's threads no longer wait on a holder that
waits for its turn at the interpreter (docs/performance.md, "Gateway"). SQLite, which
has one writer anyway, keeps the Python append.

The function is frozen here, as migrations are; tests/web/ledger/test_batch.py checks
every node it stores against the Python implementation and the RFC 6962 reference.
"""

from django.db import migrations

SIGNATURE = (
    "haven_ledger_append(text[], bytea[], timestamptz[], text[], uuid[], bytea[], bytea[], bytea[])"
)

# RFC 6962: a leaf hash is SHA-256(0x00 || leaf), a node SHA-256(0x01 || left || right).
# `edge[level + 1]` is the tree's right edge, the root of the perfect subtree at each
# level where the size has a bit set; appending a leaf folds it in exactly as
# `append_leaves` does. It returns the first position claimed, or NULL when there is no
# head row (the caller creates it, as for an empty log).
CREATE = r"""
CREATE OR REPLACE FUNCTION haven_ledger_append(
    kinds text[], leaves bytea[], recorded timestamptz[], subjects text[],
    seal_ids uuid[], wrapped_keys bytea[], events bytea[], salts bytea[]
) RETURNS bigint
    LANGUAGE plpgsql
    SET search_path = pg_catalog, public
AS $$
DECLARE
    wanted bigint := coalesce(cardinality(leaves), 0);
    claimed bigint;
    next_position bigint;
    edge bytea[] := '{}';
    node bytea;
    node_level integer;
    node_index bigint;
    edge_level integer;
    edge_hash bytea;
    levels smallint[] := '{}';
    indexes bigint[] := '{}';
    hashes bytea[] := '{}';
BEGIN
    IF wanted = 0 THEN
        RAISE EXCEPTION 'haven_ledger_append: nothing to append';
    END IF;
    UPDATE ledger_ledgerhead SET "size" = "size" + wanted WHERE id = 1
        RETURNING "size" - wanted INTO claimed;
    IF claimed IS NULL THEN
        RETURN NULL;
    END IF;
    FOR edge_level, edge_hash IN
        SELECT node_row."level", node_row."hash"
        FROM generate_series(0, 62) AS bit
        JOIN ledger_ledgernode AS node_row
            ON node_row."level" = bit AND node_row."index" = (claimed >> bit) - 1
        WHERE (claimed >> bit) & 1 = 1
    LOOP
        edge[edge_level + 1] := edge_hash;
    END LOOP;
    next_position := claimed;
    FOR n IN 1 .. wanted LOOP
        node := sha256('\x00'::bytea || leaves[n]);
        node_level := 0;
        node_index := next_position;
        levels := levels || node_level::smallint;
        indexes := indexes || node_index;
        hashes := hashes || node;
        WHILE node_index & 1 = 1 LOOP
            IF edge[node_level + 1] IS NULL THEN
                RAISE EXCEPTION 'haven_ledger_append: the tree of size % has no node at level % index %',
                    claimed, node_level, node_index - 1;
            END IF;
            node := sha256('\x01'::bytea || edge[node_level + 1] || node);
            edge[node_level + 1] := NULL;
            node_level := node_level + 1;
            node_index := node_index >> 1;
            levels := levels || node_level::smallint;
            indexes := indexes || node_index;
            hashes := hashes || node;
        END LOOP;
        edge[node_level + 1] := node;
        next_position := next_position + 1;
    END LOOP;
    INSERT INTO ledger_ledgerentry
        ("position", kind, leaf, recorded_at, subject, seal_id, wrapped_key, event, salt)
    SELECT claimed + n - 1, kinds[n], leaves[n], recorded[n], subjects[n], seal_ids[n],
        wrapped_keys[n], events[n], salts[n]
    FROM generate_subscripts(leaves, 1) AS n;
    INSERT INTO ledger_ledgernode ("level", "index", "hash")
    SELECT * FROM unnest(levels, indexes, hashes);
    RETURN claimed;
END $$;
"""

DROP = f"DROP FUNCTION IF EXISTS {SIGNATURE};"


def create_function(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop_function(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0003_sealed_format_2")]
    operations = [migrations.RunPython(create_function, drop_function)]
