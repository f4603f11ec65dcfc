"""The outbox dispatcher, fed by DynamoDB Streams in AWS: sends new outbox mail now."""

from __future__ import annotations

from keepslot.handlers import coldstart  # first: no garbage collection while modules load

# isort: split
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from keepslot import bootstrap
from keepslot.service.dispatch import deliver_pending

logger = Logger(service="keepslot-dispatcher")


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, int]:
    # A stream batch only says "there is new mail"; the due index says which, so a
    # redelivered batch finds it already delivered and sends nothing twice.
    app = bootstrap.app()
    sent = deliver_pending(app.ctx, app.store, app.postman, app.clock.now())
    return {"sent": sent}


coldstart.loaded()  # last: what loaded above lives as long as the process
