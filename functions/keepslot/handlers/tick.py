"""The clock, run every minute by EventBridge Scheduler: due jobs, then due mail."""

from __future__ import annotations

from keepslot.handlers import coldstart  # first: no garbage collection while modules load

# isort: split
from datetime import datetime, timedelta
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


def tick(mail_grace: timedelta = timedelta(0), *, calendars: bool = False) -> dict[str, int]:
    """`calendars`: sync every calendar now (the local stack's clock moves), not only
    on the 5-minute marks."""
    app = bootstrap.app()
    now = app.clock.now()
    synced = sync_calendars(app, now, force=calendars)
    due = app.store.due(now, limit=200)
    ran = run_jobs(app.ctx, now, due)
    # Jobs that ran wrote new mail: look again. An idle minute costs this one query.
    mail = app.store.due(now, limit=200) if ran else due
    stale = [m for m in mail if m.due_at <= now - mail_grace]
    sent = deliver_pending(app.ctx, app.store, app.postman, now, stale)
    return {"jobs": ran, "sent": sent, "calendars": synced}


def sync_calendars(app: bootstrap.App, now: datetime, *, force: bool) -> int:
    """Busy times from the freelancer's calendars, on every fifth minute: an idle minute
    in between costs nothing. Without calendars, once an hour, to clear the busy times
    of a calendar just removed from keepslot.yaml."""
    due = now.minute % 5 == 0 if app.config.calendars else now.minute == 30
    if not (force or due):
        return 0
    from keepslot.service.calendars import sync_due

    results = sync_due(app.ctx, app.calendars, now, force=force)
    for r in results:  # counts and safe words only: a feed's address is never logged
        logger.info(
            "calendar",
            extra={
                "calendar": r.calendar_id,
                "status": r.status,
                "blocks": r.blocks,
                "error": r.error,
            },
        )
    return len(results)


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, int]:
    detail = event.get("detail")
    detail = detail if isinstance(detail, dict) else {}
    result = tick(MAIL_GRACE, calendars=bool(detail.get("sync_calendars")))
    logger.info("tick", extra=result)
    return result


coldstart.loaded()  # last: what loaded above lives as long as the process
