"""The dev outbox reads what the app sent through moto's SES exactly as a mail client would."""

from __future__ import annotations

from email import policy
from email.message import EmailMessage

import boto3

from infra.local.moto_server import ses_sent_messages
from infra.local.outbox import parse

TEXT = "Ciao Anna,\n\nla tua affidabilità è perfetta: ci vediamo lunedì. Costo: 60,00 €.\n"


def _send(raw: bytes) -> None:
    ses = boto3.client("sesv2", region_name="eu-south-1")
    ses.create_email_identity(EmailIdentity="prenotazioni@giuliarossi.it")
    ses.send_email(
        FromEmailAddress="prenotazioni@giuliarossi.it",
        Destination={"ToAddresses": ["anna@example.com"]},
        Content={"Raw": {"Data": raw}},
    )


def test_accented_text_parts_read_back_intact(moto_aws: None) -> None:
    msg = EmailMessage(policy=policy.SMTP)
    msg["From"] = "prenotazioni@giuliarossi.it"
    msg["To"] = "anna@example.com"
    msg["Subject"] = "Affidabilità"
    msg.set_content(TEXT)  # short lines of UTF-8: sent 8bit, as keepslot's emails are
    msg.add_alternative("<p>la tua affidabilità</p>", subtype="html")
    assert msg.get_body(("plain",))["Content-Transfer-Encoding"] == "8bit"
    _send(msg.as_bytes())

    [sent] = [parse(m) for m in ses_sent_messages("eu-south-1")]
    assert sent["text"].replace("\r\n", "\n") == TEXT
    assert "\ufffd" not in sent["text"] + sent["html"] + sent["subject"]
    assert "affidabilità" in sent["html"] and sent["subject"] == "Affidabilità"
