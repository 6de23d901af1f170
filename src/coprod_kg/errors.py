"""The few exceptions the CLI turns into exit codes.

Exit codes (documented in the README):
  0  success (for validate: the graph conforms; warnings allowed)
  1  the graph does not conform, or a check found broken links
  2  an error: bad input, unknown query, missing parameter, unreachable endpoint,
     a limit reached (--timeout, query size), or an unexpected error (--debug: traceback)
  130  interrupted (Ctrl-C)
"""

EXIT_OK = 0
EXIT_NONCONFORMING = 1
EXIT_ERROR = 2
EXIT_INTERRUPTED = 130


class CoprodError(Exception):
    """A user-facing error: its message is one line naming what is wrong."""

    exit_code = EXIT_ERROR


class InputError(CoprodError):
    """A file, parameter or value given by the user is not valid."""


class SourceParseError(InputError):
    """An RDF, SSSOM or YAML file could not be parsed; the message names file, line, column."""


class EndpointError(CoprodError):
    """A SPARQL endpoint could not be reached or answered badly."""
