"""The read queries of the public pages, apart from the models.

Two of them are plain SQL, for speed on every request: the content's state (the page cache's
key) and an owner's facts in one UNION ALL query.
"""

import functools

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.models import Q

from departments.models import COMPARED_METRICS, FACT_KINDS, ContentVersion, Department, Hospital, StaffStats


def content_version(using=None):
    """The content's version; 0 before anything was written.

    Plain SQL: this runs on every public request, and the ORM would cost more than the query.
    """
    with connections[using or DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(f"SELECT version FROM {ContentVersion._meta.db_table} WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else 0


def content_state(using=None):
    """The version and when it was reached, (0, None) before anything was written.

    The page cache keys on this rather than on the number alone: the number starts again when a
    database is restored or rebuilt (a test's flush), and pages rendered for an earlier content
    that had the same number must not be served. Plain SQL, as content_version().
    """
    with connections[using or DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(f"SELECT version, changed_at FROM {ContentVersion._meta.db_table} WHERE id = 1")
        row = cursor.fetchone()
    return tuple(row) if row else (0, None)


def with_summary_figures(departments, figures):
    """Departments with their source (their cards cite it) and the figures their summaries show,
    in one query for all of them."""
    return departments.select_related("source").prefetch_related(
        models.Prefetch("staffstats_set", queryset=figures, to_attr="summary_figures")
    )


def directory_departments(hospital):
    """The hospital's departments with the headline figures their cards show."""
    return with_summary_figures(hospital.departments.all(), StaffStats.objects.filter(headline=True))


def overview_departments(hospital):
    """The hospital's departments with their headline figures and the figures the overview compares."""
    return with_summary_figures(
        hospital.departments.all(),
        StaffStats.objects.filter(Q(headline=True) | Q(metric__in=COMPARED_METRICS)),
    )


def page_departments():
    """Departments with their hospital and their source (their facts come from facts_of())."""
    return Department.objects.select_related("hospital", "source")


def facts_of(owner):
    """Every fact about the hospital or a department, by kind, each kind in its model's order.

    One query, where prefetch_related() would cost one per kind: a UNION ALL of the kinds'
    tables (see facts_query()).
    """
    owner_field = "hospital" if isinstance(owner, Hospital) else "department"
    alias = owner._state.db or DEFAULT_DB_ALIAS
    connection = connections[alias]
    sql, readers = facts_query(alias, owner_field)
    with connection.cursor() as cursor:
        cursor.execute(sql, [owner.pk] * len(FACT_KINDS))
        rows = cursor.fetchall()
    facts = {kind: [] for kind in FACT_KINDS}
    for kind_index, *row in rows:
        kind, model, attnames, positions, converters = readers[kind_index]
        values = [row[position] for position in positions]
        for index, expression, converter in converters:
            values[index] = converter(values[index], expression, connection)
        fact = model.from_db(alias, attnames, values)
        setattr(fact, owner_field, owner)
        facts[kind].append(fact)
    for kind, model in FACT_KINDS.items():
        facts[kind].sort(key=functools.partial(ordering_key, model._meta.ordering))
    return facts


@functools.cache
def facts_query(alias, owner_field):
    """The SQL of facts_of() for one database and kind of owner, and how to read its rows.

    Written once per process rather than built by the ORM on every call: ten SELECTs of some forty
    columns each cost the ORM several milliseconds to compile. Each row holds the kind's index, then
    the columns of every kind, NULL where the kind has no such column. The first SELECT casts its
    NULLs to their types, from which PostgreSQL types the whole UNION.
    """
    connection = connections[alias]
    quote = connection.ops.quote_name
    columns = {}
    for model in FACT_KINDS.values():
        for model_field in model._meta.concrete_fields:
            columns.setdefault(model_field.column, model_field)
    positions = {name: position for position, name in enumerate(columns)}
    selects = []
    readers = []
    for index, (kind, model) in enumerate(FACT_KINDS.items()):
        fields = model._meta.concrete_fields
        own = {model_field.column for model_field in fields}
        values = [
            quote(name)
            if name in own
            else (f"CAST(NULL AS {column.cast_db_type(connection)})" if index == 0 else "NULL")
            for name, column in columns.items()
        ]
        table = model._meta.db_table
        owner_column = model._meta.get_field(owner_field).column
        selects.append(
            f"SELECT {index}, {', '.join(values)} FROM {quote(table)} WHERE {quote(owner_column)} = %s"
        )
        converters = []
        for field_index, model_field in enumerate(fields):
            expression = model_field.get_col(table)
            for converter in connection.ops.get_db_converters(expression) + expression.get_db_converters(
                connection
            ):
                converters.append((field_index, expression, converter))
        readers.append(
            (
                kind,
                model,
                [model_field.attname for model_field in fields],
                [positions[model_field.column] for model_field in fields],
                converters,
            )
        )
    return " UNION ALL ".join(selects), readers


def ordering_key(ordering, instance):
    """A model's default order, computed in Python: empty values first, ties by primary key."""
    values = [getattr(instance, name) for name in ordering]
    return [*((value is not None, value) for value in values), instance.pk]
