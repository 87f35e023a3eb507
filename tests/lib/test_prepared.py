"""core.lib.prepared: the same rows as Django's cursor, a list of ids as one parameter, and
the statement logged where queries are counted."""

from core.lib.prepared import id_list_sql, ids_parameter, prepared_rows
from organizations.models import Organization


def test_rows_by_a_list_of_ids_in_one_parameter(db, django_assert_num_queries):
    made = [Organization.objects.create(slug=f"org-{n}", name=f"Org {n}") for n in range(4)]
    wanted = [made[2].pk, made[0].pk, made[3].pk]
    sql = f"SELECT id, name FROM organizations_organization WHERE id IN ({id_list_sql('default')})"
    with django_assert_num_queries(1):
        rows = prepared_rows("default", sql + " ORDER BY id", [ids_parameter("default", wanted)])
    assert rows == [
        (org.pk, org.name) for org in sorted(made, key=lambda o: o.pk) if org.pk in wanted
    ]
    # Run again (PostgreSQL: from the prepared statement) with other ids of another length.
    again = prepared_rows("default", sql + " ORDER BY id", [ids_parameter("default", [made[1].pk])])
    assert again == [(made[1].pk, made[1].name)]


def test_no_ids_find_nothing(db):
    sql = f"SELECT id FROM organizations_organization WHERE id IN ({id_list_sql('default')})"
    assert prepared_rows("default", sql, [ids_parameter("default", [])]) == []
