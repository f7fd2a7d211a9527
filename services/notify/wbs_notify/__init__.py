"""Notify: queues and delivers notifications. A notification names a template and a recipient,
never a report's content; the reporter's contact is opened only at delivery."""
