"""Services: what joins the domain core, the PDF renderer and the database.

One module per noun (assessments, accounts, invitations, cohort, privacy, roster,
exports, report store, bulk reports, schema, demo). Web views and CLI commands call
these and stay thin; the core and the renderer never see the database.
"""
