"""The SQL policy's rules, one per module, run in this order; each returns its passed finding or raises
``SqlRefused`` (DP rules return None when the query is not under DP)."""

from __future__ import annotations

from collections.abc import Callable

from gongshu.sandbox.spec import Finding
from gongshu.sandbox.sql.query import Query
from gongshu.sandbox.sql.rules.aggregate_argument import aggregate_argument
from gongshu.sandbox.sql.rules.allowed_functions import allowed_functions
from gongshu.sandbox.sql.rules.dp_aggregates import dp_aggregates
from gongshu.sandbox.sql.rules.dp_bounds import dp_bounds
from gongshu.sandbox.sql.rules.dp_person import dp_person
from gongshu.sandbox.sql.rules.dp_shape import dp_shape
from gongshu.sandbox.sql.rules.error_free import error_free
from gongshu.sandbox.sql.rules.grouping_sets import grouping_sets
from gongshu.sandbox.sql.rules.identifier_literals import identifier_literals
from gongshu.sandbox.sql.rules.join_conditions import join_conditions
from gongshu.sandbox.sql.rules.known_columns import known_columns
from gongshu.sandbox.sql.rules.known_tables import known_tables
from gongshu.sandbox.sql.rules.no_recursive_cte import no_recursive_cte
from gongshu.sandbox.sql.rules.no_set_operations import no_set_operations
from gongshu.sandbox.sql.rules.no_star_output import no_star_output
from gongshu.sandbox.sql.rules.no_subquery_condition import no_subquery_condition
from gongshu.sandbox.sql.rules.one_statement import one_statement
from gongshu.sandbox.sql.rules.outer_aggregate import outer_aggregate
from gongshu.sandbox.sql.rules.output_columns import output_columns
from gongshu.sandbox.sql.rules.personal_data import personal_data
from gongshu.sandbox.sql.rules.population import population
from gongshu.sandbox.sql.rules.protected_group_key import protected_group_key
from gongshu.sandbox.sql.rules.query_length import query_length
from gongshu.sandbox.sql.rules.raw_protected_output import raw_protected_output
from gongshu.sandbox.sql.rules.select_only import select_only
from gongshu.sandbox.sql.rules.value_aggregates import value_aggregates
from gongshu.sandbox.sql.rules.window_over_cells import window_over_cells
from gongshu.sandbox.sql.rules.window_partition import window_partition

Rule = Callable[[Query], Finding | None]

RULES: tuple[Rule, ...] = (
    query_length,
    one_statement,
    select_only,
    no_recursive_cte,
    no_set_operations,
    grouping_sets,
    known_tables,
    allowed_functions,
    error_free,
    join_conditions,
    no_star_output,
    known_columns,
    value_aggregates,
    identifier_literals,
    outer_aggregate,
    raw_protected_output,
    protected_group_key,
    output_columns,
    dp_shape,
    dp_aggregates,
    dp_bounds,
    aggregate_argument,  # after the DP rules: under DP, their stricter refusals speak first
    window_over_cells,
    no_subquery_condition,
    window_partition,
    personal_data,  # after the structural rules: a query they refuse is refused for what it is
    population,  # it adds hidden entity columns to derived tables
    dp_person,  # after population: the persons behind the outer rows
)
