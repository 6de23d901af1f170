"""Links to external datasets as data: SSSOM validation, listing and checking links
against endpoints, the VoID/DCAT description. May import graph and queries."""
