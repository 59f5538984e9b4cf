"""Alerts: rules in a mapping that message Slack or Microsoft Teams about what a sync changed.

``rules`` evaluates (pure), ``messages`` lays out the webhook bodies (pure), ``webhooks``
delivers them, ``hook`` is the engine's side, ``receiver`` a local webhook server for tests and
the demo. Off unless a mapping has an ``alerts:`` section (see ``sheetsync.mapping.alerts``).
"""
