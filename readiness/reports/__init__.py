"""PDF reports: plain data from the core, Jinja templates, WeasyPrint. No Flask here."""
