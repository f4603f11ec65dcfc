"""The clock, run every minute by EventBridge Scheduler: due jobs, then due mail."""

from __future__ import annotations

from keepslot.handlers import coldstart  # first: no garbage collection while modules load

# isort: split
from datetime import timedelta
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from keepslot import bootstrap
from keepslot.service.dispatch import deliver_pending
from keepslot.service.jobs import run_jobs

logger = Logger(service="keepslot-clock")
# New mail is the stream dispatcher's; the clock sweeps only mail that has waited this
# long (retries, or a stream that failed), so the two never race for the same message.
MAIL_GRACE = timedelta(minutes=2)


def tick(mail_grace: timedelta = timedelta(0)) -> dict[str, int]:
    app = bootstrap.app()
    now = app.clock.now()
    due = app.store.due(now, limit=200)
    ran = run_jobs(app.ctx, now, due)
    # Jobs that ran wrote new mail: look again. An idle minute costs this one query.
    mail = app.store.due(now, limit=200) if ran else due
    stale = [m for m in mail if m.due_at <= now - mail_grace]
    sent = deliver_pending(app.ctx, app.store, app.postman, now, stale)
    return {"jobs": ran, "sent": sent}


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, int]:
    result = tick(MAIL_GRACE)
    logger.info("tick", extra=result)
    return result


coldstart.loaded()  # last: what loaded above lives as long as the process
