"""Starts moto_server with DynamoDB transactions and queries that scale.

moto backs up every table a TransactWriteItems touches with copy.deepcopy,
once per item of the transaction, so each transaction costs time in
proportion to the whole table: a thousand submissions into one table take
tens of minutes. This launcher keeps moto's own transaction logic but backs
up only the items the transaction touches, and runs transactions one at a
time, as DynamoDB's serializable transactions appear to clients.

moto's Query on the table itself (not an index) also sorts every item of
the table to pick one partition's, so each Query costs time in proportion
to the table. This launcher hands moto's query only the partition asked for.

Usage: python moto_server.py -H 127.0.0.1 -p PORT
"""

import copy
import threading

from moto.dynamodb import models
from moto.dynamodb.models import table as table_models
from moto.server import main

_copy = copy


class _TablesAreNotCopied:
    """Stands in for the `copy` module inside moto.dynamodb.models."""

    @staticmethod
    def deepcopy(value, memo=None):
        if isinstance(value, models.Table):
            return value
        return _copy.deepcopy(value, memo)


models.copy = _TablesAreNotCopied()
_original = models.DynamoDBBackend.transact_write_items
_lock = threading.RLock()


def _touched(backend, transact_items):
    """(table, key, item before) for every item the transaction names."""
    touched = []
    for entry in transact_items:
        try:
            _, op = next(iter(entry.items()))
            table_name = op["TableName"]
            table = backend.get_table(table_name)
            attrs = op.get("Item") or op.get("Key") or {}
            key = {table.hash_key_attr: attrs[table.hash_key_attr]}
            if table.range_key_attr is not None:
                key[table.range_key_attr] = attrs[table.range_key_attr]
            before = backend.get_item(table_name, key)
        except Exception:  # moto itself reports malformed operations
            continue
        saved = _copy.deepcopy(before.to_json()["Attributes"]) if before else None
        touched.append((table_name, key, saved))
    return touched


def transact_write_items(self, transact_items):
    with _lock:
        touched = _touched(self, transact_items)
        try:
            return _original(self, transact_items)
        except Exception:
            for table_name, key, saved in reversed(touched):
                if saved is None:
                    try:
                        self.delete_item(table_name, key)
                    except Exception:
                        pass
                else:
                    self.put_item(table_name, saved)
            raise


models.DynamoDBBackend.transact_write_items = transact_write_items

_partition = threading.local()
_all_items = table_models.Table.all_items
_query = table_models.Table.query


def all_items(self):
    """During a table Query, only the queried partition's items."""
    if getattr(_partition, "table", None) is self:
        found = self.items.get(_partition.key)
        if found is None:
            return []
        return list(found.values()) if self.range_key_attr else [found]
    return _all_items(self)


def query(self, hash_key, *args, **kwargs):
    index_name = args[6] if len(args) > 6 else kwargs.get("index_name")
    if index_name or hash_key is None:
        return _query(self, hash_key, *args, **kwargs)
    _partition.table, _partition.key = self, hash_key
    try:
        return _query(self, hash_key, *args, **kwargs)
    finally:
        _partition.table = _partition.key = None


table_models.Table.all_items = all_items
table_models.Table.query = query

if __name__ == "__main__":
    main()
