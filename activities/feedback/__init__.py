"""在职党员社区表现反馈卡 (issue 13): periods (rules), reads (selectors), writes (services),
Celery tasks, the batch PDF (reports) and the beat schedule (schedule)."""
