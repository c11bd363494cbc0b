"""``GET /api/v1/admin/ledger/check``: the ledger invariants on the live database (admins;
DOMAIN.md Money: invariants), the same check as ``paeshift check-ledger``."""

from __future__ import annotations

from litestar import Controller, get

from adapters.http.auth import AUTHENTICATED, Caller, Services
from adapters.http.problems import documented
from adapters.http.schema_base import Output
from paeshift_core.application.ledger_check import LedgerReport


class ViolationOut(Output):
    invariant: int
    subject: str
    detail: str


class LedgerReportOut(Output):
    ok: bool
    transactions: int
    accounts: int
    violations: list[ViolationOut]

    @classmethod
    def of(cls, report: LedgerReport) -> LedgerReportOut:
        return cls(
            ok=report.ok,
            transactions=report.transactions,
            accounts=report.accounts,
            violations=[
                ViolationOut(invariant=v.invariant, subject=v.subject, detail=v.detail)
                for v in report.violations
            ],
        )


class AdminLedgerController(Controller):
    path = "/admin/ledger"
    tags = ["admin"]
    security = AUTHENTICATED

    @get("/check", responses=documented(401, 403), summary="Check the ledger invariants")
    async def check(self, principal: Caller, services: Services) -> LedgerReportOut:
        return LedgerReportOut.of(await services.core.ledger_check.run_as(principal))
