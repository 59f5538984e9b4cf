"""sheetsync: keep Google Sheets in sync with Salesforce Account Engagement (Pardot)."""

__version__ = "0.1.0"
