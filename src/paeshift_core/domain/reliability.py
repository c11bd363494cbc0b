"""Reliability score (DOMAIN.md Applications: reliability).

``completed / (completed + no_show + late withdrawals)``, shown with the count it is based
on. With no basis there is no score (``None``), rather than a misleading 0 % or 100 %.
"""

from __future__ import annotations

from attrs import frozen


@frozen
class Reliability:
    completed: int
    no_shows: int
    late_withdrawals: int

    @property
    def basis(self) -> int:
        return self.completed + self.no_shows + self.late_withdrawals

    @property
    def score_percent(self) -> float | None:
        """Score in percent rounded to one decimal, or ``None`` when nothing counts yet."""
        if self.basis == 0:
            return None
        return round(100 * self.completed / self.basis, 1)
