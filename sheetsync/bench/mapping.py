"""The benchmark's mapping: 20 prospect columns covering every kind of cell the engine writes.

Kept as YAML text (loaded with the project's own loader, like any mapping file) so the bench
needs no data files beside the code: text, an integer score, a boolean, a date, two datetimes,
related fields (``campaign.name``, ``assignedTo.email``), custom fields, a link column, and no
list filter (every live prospect has a row).
"""

from __future__ import annotations

from sheetsync.mapping import Mapping, parse_mapping

SPREADSHEET_ID = "1SheetSyncBenchProspects00000000000000000000"
WORKSHEET = "Prospects"
NAME = "bench-prospects"

MAPPING_YAML = f"""\
spreadsheet: {SPREADSHEET_ID}
worksheet: {WORKSHEET}
source:
  object: prospects
key: id
on_delete: remove
time_zone: America/New_York
columns:
  - field: id
    header: Prospect ID
  - field: email
    header: Email
    link: https://pi.pardot.com/prospect/read?id={{id}}
  - field: firstName
    header: First name
  - field: lastName
    header: Last name
  - field: company
    header: Company
  - field: jobTitle
    header: Job title
  - field: phone
    header: Phone
  - field: city
    header: City
  - field: country
    header: Country
  - field: industry
    header: Industry
  - field: score
    header: Score
    type: integer
  - field: grade
    header: Grade
  - field: optedOut
    header: Opted out
    type: boolean
  - field: createdAt
    header: Created
    type: date
    format: yyyy-mm-dd
  - field: lastActivityAt
    header: Last activity
    type: datetime
    format: yyyy-mm-dd hh:mm
  - field: updatedAt
    header: Updated
    type: datetime
    format: yyyy-mm-dd hh:mm
  - field: campaign.name
    header: Campaign
  - field: assignedTo.email
    header: Owner
  - field: hobby__c
    header: Hobby
  - field: industrySegment__c
    header: Industry segment
"""

#: Mapped fields the bench changes through Pardot's API (standard, editable): field -> header.
CHANGEABLE = {"company": "Company", "jobTitle": "Job title", "city": "City", "score": "Score"}
#: The column that shows ``updatedAt``: it changes with every change made in Pardot.
UPDATED_HEADER = "Updated"
#: The column users sort the sheet by in the drift scenario.
SORT_HEADER = "Company"


def bench_mapping() -> Mapping:
    return parse_mapping(MAPPING_YAML, f"<sheetsync bench>/{NAME}.yaml", name=NAME)
