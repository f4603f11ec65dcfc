"""Email wording: the Jinja2 templates (text and HTML) and the calendar invitation."""
