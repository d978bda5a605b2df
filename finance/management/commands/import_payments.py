"""python manage.py import_payments FILE.xlsx [--user USERNAME]: the 党费交纳 import."""

from __future__ import annotations

from finance.resources import DuesPaymentResource
from kit.imports import ImportCommand


class Command(ImportCommand):
    help = (
        "导入党费交纳记录（.xlsx 或 .csv；列：公民身份号码、姓名、所属月份、金额、交纳日期）。"
        "所属月份为YYYY-MM；金额应等于该月核定的应缴金额；交纳日期不能晚于今天，也不能早于所属月份"
        "前一个月的1日；姓名应与公民身份号码登记的党员一致。任何一行有错误时逐行列出且不写入任何"
        "数据；重复导入同一文件不会改变数据。"
    )
    resource_class = DuesPaymentResource
    what = "党费交纳记录"
