"""``sheetsync bench``: what a sync costs, measured on the emulators against a full rewrite.

- :mod:`.runner` runs the five scenarios in order; :mod:`.output` prints them.
- :mod:`.server` is the emulators' own process, :mod:`.worker` runs one scenario in a fresh
  process, :mod:`.processes` starts and stops both.
- :mod:`.drift` changes Pardot and edits the sheet between runs; :mod:`.baseline` is the
  clear-and-rewrite writer; :mod:`.sheetgrid` reads the sheet back and checks it;
  :mod:`.metrics` holds the figures, the cross-check and the ratios; :mod:`.mapping` the
  20-column mapping.
"""
