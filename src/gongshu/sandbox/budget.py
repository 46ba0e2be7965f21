"""Privacy budgets (隐私预算): each agreement's ε, spent per DP query by one conditional UPDATE so that
concurrent jobs can never spend more than the total."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, update
from sqlalchemy.dialects import postgresql, sqlite

from gongshu.grants.models import Agreement
from gongshu.platform import UnitOfWork
from gongshu.sandbox.errors import BudgetExhausted, StaleAudit
from gongshu.sandbox.models import PrivacyBudget

EPS = 1e-12  # float slack so that spending exactly the rest succeeds


@dataclass(frozen=True)
class Budget:
    total: float
    spent: float

    @property
    def left(self) -> float:
        return max(self.total - self.spent, 0.0)


def ensure(uow: UnitOfWork, agreement: Agreement) -> None:
    """Create the budget row if missing, race-free (INSERT … ON CONFLICT DO NOTHING)."""
    dialect = uow.session.get_bind().dialect.name
    ins = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = ins(PrivacyBudget).values(agreement_id=agreement.id, total=agreement.epsilon, spent=0.0)
    uow.session.execute(stmt.on_conflict_do_nothing(index_elements=["agreement_id"]))


def count_release(uow: UnitOfWork, agreement: Agreement, seen: int) -> None:
    """Count one result released without DP if the count is still ``seen`` (what the query audit read), or raise
    StaleAudit: among concurrent releases one wins, the others are audited again against the new history."""
    ensure(uow, agreement)
    result = uow.session.execute(
        update(PrivacyBudget)
        .where(PrivacyBudget.agreement_id == agreement.id, PrivacyBudget.releases == seen)
        .values(releases=PrivacyBudget.releases + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise StaleAudit(agreement.number)


def budget_of(uow: UnitOfWork, agreement: Agreement) -> Budget:
    row = uow.session.get(PrivacyBudget, agreement.id)
    return Budget(total=agreement.epsilon, spent=row.spent if row else 0.0)


def check_available(uow: UnitOfWork, agreement: Agreement, epsilon: float) -> None:
    """Refuse early (at submission) when the budget left cannot pay for ``epsilon``."""
    b = budget_of(uow, agreement)
    if epsilon > b.left + EPS:
        raise BudgetExhausted(agreement.number, epsilon, b.left)


def charge(uow: UnitOfWork, agreement: Agreement, epsilon: float) -> Budget:
    """Spend ``epsilon`` inside the caller's transaction, or raise BudgetExhausted and spend nothing.

    The UPDATE's WHERE clause re-checks the balance under the row lock, so among concurrent charges
    only those the budget can pay for succeed (SQLite serializes writers; PostgreSQL re-evaluates
    the condition on the locked row under READ COMMITTED)."""
    ensure(uow, agreement)
    result = uow.session.execute(
        update(PrivacyBudget)
        .where(PrivacyBudget.agreement_id == agreement.id, PrivacyBudget.spent + epsilon <= PrivacyBudget.total + EPS)
        .values(spent=PrivacyBudget.spent + epsilon)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise BudgetExhausted(agreement.number, epsilon, budget_of(uow, agreement).left)
    uow.session.expire_all()
    return budget_of(uow, agreement)


def spend_up_to(uow: UnitOfWork, agreement: Agreement, epsilon: float) -> Budget:
    """Spend ``epsilon`` for a run that failed or was refused after it read the data, or what is left when the
    rest cannot pay it: a failure is charged like a release, and the budget never goes past its total."""
    ensure(uow, agreement)
    spent = case(
        (PrivacyBudget.spent + epsilon <= PrivacyBudget.total, PrivacyBudget.spent + epsilon), else_=PrivacyBudget.total
    )
    uow.session.execute(
        update(PrivacyBudget)
        .where(PrivacyBudget.agreement_id == agreement.id, PrivacyBudget.spent < PrivacyBudget.total)
        .values(spent=spent)
        .execution_options(synchronize_session=False)
    )
    uow.session.expire_all()
    return budget_of(uow, agreement)


def count_failure(uow: UnitOfWork, agreement: Agreement) -> None:
    """Count a result without DP that failed or was refused after it read the data as a release: whatever its
    failure told, the audits running beside it see a new release and audit again."""
    ensure(uow, agreement)
    uow.session.execute(
        update(PrivacyBudget)
        .where(PrivacyBudget.agreement_id == agreement.id)
        .values(releases=PrivacyBudget.releases + 1)
        .execution_options(synchronize_session=False)
    )
