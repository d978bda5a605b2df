"""Admins of the publicity app: cases, votes, 公示 and 党务公开 (development.py); the development
registers: 思想汇报, 培养考察, 政审, 考察写实人 (registers.py)."""

from . import (  # noqa: F401
    development,
    registers,
)
