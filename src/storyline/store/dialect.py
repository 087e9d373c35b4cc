"""The SQLite dialect the store's queries are written in, translated for PostgreSQL.

The mixins (``entities.py``, ``events.py``, ``annotations.py``, ``alerts.py``, ``views.py``) and the
migrations are written once, in the SQL SQLite speaks; most of it is standard SQL. Rather than keep a
second copy of 2,000 lines for PostgreSQL, :class:`PgDialect` rewrites the few SQLite idioms they use,
once per distinct statement (cached). A hand-written rewriter rather than a general SQL translator
(sqlglot and the like): the idioms are few and known, and each one's exact SQLite meaning must be kept
(an id reused the way SQLite reuses it, a REPLACE that moves a row to the end) so both backends hold the
same rows.

Statements (:meth:`PgDialect.statement`):

========================================  =====================================================================
SQLite                                    PostgreSQL
========================================  =====================================================================
``?`` / ``?1``                            ``%s`` / ``%(p1)s`` (``%`` escaped as ``%%``)
``INSERT OR IGNORE INTO …``               ``INSERT INTO … ON CONFLICT DO NOTHING``
``INSERT OR REPLACE INTO t (…) VALUES``   ``DELETE`` of the row with that primary key, then ``INSERT`` (as SQLite
                                          does: the new row comes last in insertion order)
``UPDATE OR IGNORE t SET k = ? WHERE …``  ``UPDATE … AND NOT EXISTS`` (a row holding the new primary key already):
                                          the rows SQLite would skip stay as they are
``ON CONFLICT … DO UPDATE SET n = n+…``   the right-hand ``n`` qualified with the table (PostgreSQL finds a bare
                                          column ambiguous there)
``MAX(a, b)`` / ``MIN(a, b)``             ``GREATEST(a, b)`` / ``LEAST(a, b)`` (the aggregates stay)
``group_concat(x, sep)``                  ``string_agg(x, sep)``
``strftime('%Y-%m-%dT%H:%M:%SZ','now')``  ``to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')``
``x = ? COLLATE NOCASE``                  ``lower(x) = lower(%s)``
``WHERE +col`` (SQLite: skip an index)    ``WHERE col``
``LIMIT ?`` (``-1``: no limit)            ``LIMIT NULLIF(%s, -1)``
a table check on ``sqlite_master``        ``SELECT 1 WHERE to_regclass(%s) IS NOT NULL``
``INSERT`` into a rowid alias table       ``id`` (an ``INTEGER PRIMARY KEY``) given as ``MAX(id) + 1``: SQLite's rowid
                                          rule, so ids match; ``RETURNING id`` for ``lastrowid``
``True`` / ``False`` parameters           ``1`` / ``0``, as SQLite stores them
========================================  =====================================================================

Migrations (:func:`translate_ddl`): types ``INTEGER`` → ``BIGINT``, ``REAL`` → ``DOUBLE PRECISION``, ``BLOB`` →
``BYTEA`` (except :data:`TEXT_BLOBS`), ``TEXT`` → ``TEXT COLLATE "C"`` (SQLite compares text byte-wise; so
orderings match whatever the database's locale); ``INTEGER PRIMARY KEY AUTOINCREMENT`` → an identity column;
``INTEGER PRIMARY KEY`` → ``BIGINT PRIMARY KEY`` (ids given by the statement rewrite above); ``WITHOUT ROWID``
dropped; tables in :data:`ROWID_TABLES` get a ``rowid`` identity column, as queries order them by SQLite's
``rowid``; ``strftime(…'now')`` defaults as above. What cannot be translated (FTS5 virtual tables, SQLite date
functions) is refused with :class:`UntranslatableSQL`: write it as a backend part of the migration
(:class:`storyline.store.migrations.Migration`).
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import Any, Sequence

__all__ = ["PgDialect", "PgStatement", "TableInfo", "UntranslatableSQL", "translate_ddl", "ROWID_TABLES",
           "TEXT_BLOBS"]

# Tables whose queries order rows by SQLite's implicit ``rowid`` (arrival order of signatures; the latest
# articles of an event scope): PostgreSQL gets an explicit identity column of that name.
ROWID_TABLES = frozenset({"minhashes", "event_articles"})
# Columns declared BLOB that hold JSON text (the clusterer's state): TEXT on PostgreSQL, as SQLite stores them.
TEXT_BLOBS = frozenset({("events", "state"), ("storylines", "state")})

_NOW_SQLITE = "strftime('%Y-%m-%dT%H:%M:%SZ','now')"
_NOW_PG = "to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
_LITERAL = re.compile(r"'(?:[^']|'')*'")


class UntranslatableSQL(ValueError):
    """SQLite SQL with no PostgreSQL rewrite: give the migration a ``postgresql`` part."""


# --------------------------------------------------------------------------- helpers
def _outside_literals(sql: str, fn) -> str:
    """Apply ``fn`` to the parts of ``sql`` outside single-quoted literals."""
    out, last = [], 0
    for m in _LITERAL.finditer(sql):
        out.append(fn(sql[last:m.start()]))
        out.append(m.group())
        last = m.end()
    out.append(fn(sql[last:]))
    return "".join(out)


def _split_top(text: str, sep: str = ",") -> list[str]:
    """``text`` split at ``sep`` outside parentheses and literals."""
    parts, depth, buf, quoted = [], 0, [], False
    for ch in text:
        if ch == "'":
            quoted = not quoted
        elif not quoted:
            if ch == "(":
                depth += 1
            elif ch == ")":
                depth -= 1
            elif ch == sep and depth == 0:
                parts.append("".join(buf))
                buf = []
                continue
        buf.append(ch)
    parts.append("".join(buf))
    return parts


def _close_paren(text: str, open_at: int) -> int:
    """Index of the parenthesis closing the one at ``open_at``."""
    depth, quoted = 0, False
    for i in range(open_at, len(text)):
        ch = text[i]
        if ch == "'":
            quoted = not quoted
        elif not quoted:
            if ch == "(":
                depth += 1
            elif ch == ")":
                depth -= 1
                if depth == 0:
                    return i
    raise UntranslatableSQL(f"unbalanced parentheses in {text[:200]!r}")


_MINMAX = re.compile(r"\b(MAX|MIN)\s*\(", re.IGNORECASE)


def _scalar_minmax(sql: str) -> str:
    """``MAX(a, b)`` → ``GREATEST(a, b)``: SQLite's two-argument MAX/MIN are scalar functions."""
    pos = 0
    while True:
        m = _MINMAX.search(sql, pos)
        if not m:
            return sql
        open_at = m.end() - 1
        close = _close_paren(sql, open_at)
        if len(_split_top(sql[open_at + 1:close])) > 1:
            name = "GREATEST" if m.group(1).upper() == "MAX" else "LEAST"
            sql = sql[:m.start()] + name + sql[open_at:]
        pos = m.start() + 1


# --------------------------------------------------------------------------- statements
@dataclass(frozen=True)
class TableInfo:
    """What the rewrite needs to know of a table: its columns, primary key, and a rowid-alias ``id``."""

    columns: tuple[str, ...]
    primary_key: tuple[str, ...]
    rowid_alias: str | None = None  # an ``INTEGER PRIMARY KEY`` column: SQLite assigns MAX + 1
    identity: str | None = None  # an identity column (AUTOINCREMENT), for ``lastrowid``


@dataclass(frozen=True)
class PgStatement:
    """A translated statement: ``sql`` for psycopg; ``named`` when SQLite's ``?N`` became ``%(pN)s``;
    ``returns_id`` when its one result row is ``lastrowid``; ``replace`` a ``DELETE`` to run first, with the
    parameter positions it takes (``INSERT OR REPLACE``)."""

    sql: str
    named: bool = False
    returns_id: bool = False
    replace: tuple[str, tuple[int, ...]] | None = None
    many: str = ""  # the statement for ``executemany``: no RETURNING (no row id is read there)


_INSERT = re.compile(r"^\s*INSERT\s+(?:OR\s+(IGNORE|REPLACE)\s+)?INTO\s+\"?(\w+)\"?\s*(\(([^)]*)\))?",
                     re.IGNORECASE | re.DOTALL)
_NOCASE = re.compile(r"([\w.]+)\s*=\s*\?\s+COLLATE\s+NOCASE", re.IGNORECASE)
_UNARY_PLUS = re.compile(r"\b(WHERE|AND|OR|ON)\s+\+(?=[A-Za-z_])", re.IGNORECASE)
_LIMIT_PARAM = re.compile(r"\bLIMIT\s+\?(?!\d)", re.IGNORECASE)
_PARAM = re.compile(r"\?(\d*)")
_TABLE_EXISTS = re.compile(r"^\s*SELECT\s+1\s+FROM\s+sqlite_master\s+WHERE\s+type\s*(?:=\s*'table'|IN\s*\(\s*'table'\s*,"
                           r"\s*'view'\s*\))\s+AND\s+name\s*=\s*(\?|'\w+')\s*$", re.IGNORECASE)
_DO_UPDATE = re.compile(r"\bDO\s+UPDATE\s+SET\b", re.IGNORECASE)
_RETURNING_END = re.compile(r"\bRETURNING\b", re.IGNORECASE)


class PgDialect:
    """Rewrites the store's SQLite statements for one PostgreSQL schema (see the module)."""

    def __init__(self, tables: dict[str, TableInfo]):
        self.tables = tables
        self._cache: dict[str, PgStatement] = {}
        self._lock = threading.Lock()

    def statement(self, sql: str) -> PgStatement:
        found = self._cache.get(sql)
        if found is None:
            found = self._translate(sql)
            with self._lock:
                self._cache[sql] = found
        return found

    def _translate(self, sql: str) -> PgStatement:
        exists = _TABLE_EXISTS.match(sql)
        if exists:  # "does this table exist": the catalog's answer, in the same one-row-or-none form
            return PgStatement(f"SELECT 1 WHERE to_regclass({_placeholders(exists.group(1))}) IS NOT NULL")
        if "sqlite_master" in sql or re.search(r"\bPRAGMA\b", sql, re.IGNORECASE) or "julianday" in sql:
            raise UntranslatableSQL(f"SQLite-only statement: {sql.strip()[:200]!r}")
        text = sql.replace(_NOW_SQLITE, _NOW_PG)
        insert = _INSERT.match(text)
        verb = insert.group(1).upper() if insert and insert.group(1) else None
        table = insert.group(2) if insert else None
        columns = [c.strip().strip('"') for c in insert.group(4).split(",")] if insert and insert.group(4) else []
        info = self.tables.get(table) if table else None

        def rewrite(part: str) -> str:
            part = _NOCASE.sub(r"lower(\1) = lower(?)", part)
            part = _UNARY_PLUS.sub(r"\1 ", part)
            part = _LIMIT_PARAM.sub("LIMIT NULLIF(?, -1)", part)
            return re.sub(r"\bgroup_concat\s*\(", "string_agg(", part, flags=re.IGNORECASE)

        text = _escape_percent(_outside_literals(text, rewrite))
        text = self._update_or_ignore(text, sql)
        text = _scalar_minmax(text)

        replace = None
        if verb:
            text = re.sub(r"^\s*INSERT\s+OR\s+\w+\s+INTO", "INSERT INTO", text, count=1, flags=re.IGNORECASE)
        if verb == "IGNORE":
            text = text.rstrip().rstrip(";") + " ON CONFLICT DO NOTHING"
        elif verb == "REPLACE":
            if info is None or not columns or not info.primary_key:
                raise UntranslatableSQL(f"INSERT OR REPLACE needs a known table and column list: {sql[:200]!r}")
            values = re.search(r"\bVALUES\s*\((.*)\)\s*$", text, re.IGNORECASE | re.DOTALL)
            exprs = _split_top(values.group(1)) if values else []
            if len(exprs) != len(columns) or any(k not in columns or exprs[columns.index(k)].strip() != "?"
                                                 for k in info.primary_key):
                raise UntranslatableSQL(f"INSERT OR REPLACE is translated for VALUES (…) with the key as ? "
                                        f"parameters only: {sql[:200]!r}")
            # the parameter number of each key column: the ``?`` counted in the values before it
            positions = tuple(sum(e.count("?") for e in exprs[:columns.index(k)]) for k in info.primary_key)
            where = " AND ".join(f'"{k}" = %s' for k in info.primary_key)
            replace = (f'DELETE FROM "{table}" WHERE {where}', positions)

        do_update = _DO_UPDATE.search(text)
        if do_update and columns:
            text = text[:do_update.end()] + _qualify_set(text[do_update.end():], table, columns)

        returns_id, many = False, ""
        if insert and info is not None and re.search(r"\bVALUES\b", text, re.IGNORECASE):
            alias = info.rowid_alias
            insert = _INSERT.match(text)  # positions in the statement as rewritten so far
            if alias and alias not in columns and insert.group(3):
                # SQLite gives a rowid alias MAX(id) + 1 (an id freed at the top is used again): same here, so
                # ids (shown to users) match. One writer per database (the driver lock) keeps it race-free.
                head_end = insert.end(3)
                text = (text[:insert.start(4)] + f'"{alias}", ' + text[insert.start(4):head_end]
                        + text[head_end:])
                text = re.sub(r"\bVALUES\s*\(", f'VALUES ((SELECT COALESCE(MAX("{alias}"), 0) + 1 FROM "{table}"), ',
                              text, count=1, flags=re.IGNORECASE)
            key = alias or info.identity
            if key and not _RETURNING_END.search(text):
                many = _placeholders(text)
                text = text.rstrip().rstrip(";") + f' RETURNING "{key}"'
                returns_id = True

        named = bool(re.search(r"\?\d", text))
        text = _placeholders(text)
        return PgStatement(text, named=named, returns_id=returns_id, replace=replace,
                           many=many if returns_id else text)

    def _update_or_ignore(self, text: str, sql: str) -> str:
        """``UPDATE OR IGNORE t SET k = ? WHERE …``: rows whose new key another row holds already are left
        as they are (SQLite skips them); the check is on the primary key."""
        m = re.match(r'^\s*UPDATE\s+OR\s+IGNORE\s+"?(\w+)"?\s+SET\s+("?\w+"?)\s*=\s*\?\s+WHERE\s+(.*)$', text,
                     re.IGNORECASE | re.DOTALL)
        if not re.match(r"^\s*UPDATE\s+OR\s+IGNORE\b", text, re.IGNORECASE):
            return text
        info = self.tables.get(m.group(1)) if m else None
        if m is None or info is None:
            raise UntranslatableSQL(f"UPDATE OR IGNORE is translated for one 'SET key = ?' only: {sql[:200]!r}")
        table, column, where = m.group(1), m.group(2).strip('"'), m.group(3)
        if column not in info.primary_key:
            return f'UPDATE "{table}" SET "{column}" = ? WHERE {where}'  # no key changes: nothing can collide
        # numbered parameters: the new value (?1) is used twice
        count = iter(range(1, 1000))
        where = re.sub(r"\?(?!\d)", lambda _: f"?{next(count) + 1}", where)
        same = " AND ".join(f'dup."{k}" = ?1' if k == column else f'dup."{k}" = "{table}"."{k}"'
                            for k in info.primary_key)
        return (f'UPDATE "{table}" SET "{column}" = ?1 WHERE ({where}) AND NOT EXISTS'
                f' (SELECT 1 FROM "{table}" AS dup WHERE {same})')

    @staticmethod
    def params(statement: PgStatement, params: Sequence[Any] | None) -> Any:
        """Parameters as psycopg takes them: booleans as SQLite stores them (0/1); ``?N`` by name."""
        values = [int(p) if isinstance(p, bool) else p for p in (params or ())]
        if statement.named:
            return {f"p{i}": v for i, v in enumerate(values, start=1)}
        return values


def _placeholders(sql: str) -> str:
    """SQLite's ``?`` as psycopg's ``%s``, and ``?N`` as ``%(pN)s`` (one value used in several places)."""
    if re.search(r"\?\d", sql):
        return _PARAM.sub(lambda m: f"%(p{m.group(1)})s", sql)
    return _outside_literals(sql, lambda p: p.replace("?", "%s"))


def _escape_percent(sql: str) -> str:
    """Every ``%`` doubled (psycopg reads ``%`` as a placeholder), inside literals too."""
    return sql.replace("%", "%%")


def _qualify_set(rest: str, table: str, columns: list[str]) -> str:
    """In ``SET a = a + excluded.a, …`` qualify the bare right-hand columns with the table."""
    end = _RETURNING_END.search(rest)
    clause, tail = (rest[:end.start()], rest[end.start():]) if end else (rest, "")
    where = re.search(r"\bWHERE\b", clause, re.IGNORECASE)
    if where:
        clause, tail = clause[:where.start()], clause[where.start():] + tail
    names = "|".join(re.escape(c) for c in columns)
    bare = re.compile(rf'(?<![.\w"])({names})\b(?!\s*\.)')
    items = []
    for item in _split_top(clause):
        lhs, sep, rhs = item.partition("=")
        items.append(lhs + sep + _outside_literals(rhs, lambda p: bare.sub(rf'"{table}".\1', p)) if sep else item)
    return ",".join(items) + (" " if tail and not tail.startswith(" ") else "") + tail


# --------------------------------------------------------------------------- migrations
_TYPES = {"INTEGER": "BIGINT", "INT": "BIGINT", "REAL": "DOUBLE PRECISION", "BLOB": "BYTEA", "TEXT": 'TEXT COLLATE "C"',
          "NUMERIC": "NUMERIC"}
_TABLE_CONSTRAINT = re.compile(r"^\s*(PRIMARY\s+KEY|UNIQUE|CHECK|FOREIGN\s+KEY|CONSTRAINT)\b", re.IGNORECASE)


def _column_def(table: str, item: str) -> str:
    if _TABLE_CONSTRAINT.match(item):
        return item
    m = re.match(r'^(\s*)("[^"]+"|\w+)\s+(\w+)(.*)$', item, re.DOTALL)
    if not m:
        return item
    indent, name, type_, rest = m.groups()
    plain = name.strip('"')
    upper = type_.upper()
    if upper == "INTEGER" and re.match(r"\s*PRIMARY\s+KEY\s+AUTOINCREMENT\b", rest, re.IGNORECASE):
        rest = re.sub(r"\s*PRIMARY\s+KEY\s+AUTOINCREMENT\b", "", rest, count=1, flags=re.IGNORECASE)
        return f"{indent}{name} BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY{rest}"
    if upper == "BLOB" and (table, plain) in TEXT_BLOBS:
        pg_type = _TYPES["TEXT"]
    else:
        pg_type = _TYPES.get(upper)
    if pg_type is None:
        raise UntranslatableSQL(f"column {table}.{plain}: type {type_!r} is not portable (TEXT, INTEGER, REAL, BLOB)")
    return f"{indent}{name} {pg_type}{rest}"


def _create_table(stmt: str) -> str:
    m = re.match(r"^\s*CREATE\s+TABLE\s+(IF\s+NOT\s+EXISTS\s+)?\"?(\w+)\"?\s*\(", stmt, re.IGNORECASE)
    table = m.group(2)
    open_at = m.end() - 1
    close = _close_paren(stmt, open_at)
    items = [_column_def(table, item) for item in _split_top(stmt[open_at + 1:close])]
    if table in ROWID_TABLES:
        items.insert(0, "\n    rowid BIGINT GENERATED ALWAYS AS IDENTITY")
    tail = re.sub(r"\bWITHOUT\s+ROWID\b", "", stmt[close + 1:], flags=re.IGNORECASE)
    return stmt[:open_at + 1] + ",".join(items) + ")" + tail


def _statements(script: str) -> list[str]:
    lines = [line for line in script.splitlines() if not line.strip().startswith("--")]
    return [s.strip() for s in _split_top("\n".join(lines), ";") if s.strip()]


def translate_ddl(script: str) -> list[str]:
    """A portable migration script as PostgreSQL statements (see the module for the rules)."""
    out = []
    for stmt in _statements(script):
        if re.match(r"^\s*CREATE\s+VIRTUAL\s+TABLE", stmt, re.IGNORECASE):
            raise UntranslatableSQL("a virtual table (FTS5) has no PostgreSQL form: write the migration's "
                                    "postgresql part")
        if "julianday" in stmt or re.search(r"\bPRAGMA\b", stmt, re.IGNORECASE):
            raise UntranslatableSQL(f"SQLite-only function in a migration: {stmt[:120]!r}")
        stmt = stmt.replace(_NOW_SQLITE, _NOW_PG)
        if re.match(r"^\s*CREATE\s+TABLE", stmt, re.IGNORECASE):
            stmt = _create_table(stmt)
        else:
            add = re.match(r'^(\s*ALTER\s+TABLE\s+"?(\w+)"?\s+ADD\s+(?:COLUMN\s+)?)(.*)$', stmt, re.IGNORECASE | re.DOTALL)
            if add:
                stmt = add.group(1) + _column_def(add.group(2), add.group(3))
        out.append(stmt)
    return out
