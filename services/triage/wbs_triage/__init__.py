"""Triage (pencatatan dan penelaahan): every report is recorded in the receiving body's agenda,
then assessed. It holds the key that opens a report's substance; the substance stays sealed at rest."""
