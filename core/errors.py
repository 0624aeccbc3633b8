"""Errors that carry a sentence a user can act on.

Every failure the plugin reports ends up as a :class:`FluxError` whose ``str()`` says what
went wrong and what to do next. Messages never contain credentials: they are built from
status codes, host names and our own field values only.
"""


class FluxError(Exception):
    """A failure with a message meant for the user."""

    def __init__(self, message, status=None):
        super().__init__(message)
        self.status = status


class FluxInputError(FluxError, ValueError):
    """Bad input from the user or a caller of the API (also a ValueError)."""


class FluxCancelled(FluxError):
    def __init__(self, message="Cancelled."):
        super().__init__(message)


# What each HTTP status means for a Flux or Arraylake request, and what to do about it.
_STATUS_SENTENCES = {
    400: "the server rejected the request as malformed ({detail}). Check the variable, time and style.",
    401: "unauthorized: check the organization name and API key (the key may have been revoked; "
         "make a new one at {keys_page}).",
    403: "forbidden: this API key has no access to {what}. Check that the key belongs to this organization.",
    404: "not found: check the organization, repository, ref, group and service name "
         "(is the service enabled for the organization?).",
    409: "conflict: it already exists.",
    422: "the server could not process the request ({detail}).",
    429: "too many requests: wait a moment and try again.",
    500: "the server failed with an internal error. Try again later; if it persists, check the "
         "variable and parameters or contact Earthmover support.",
    502: "the server is unreachable behind its gateway (502). Try again in a minute.",
    503: "the service is unavailable right now (503): it may be starting or sleeping. Try again in a minute.",
    504: "the server took too long to answer (504). Try a smaller area or fewer time steps.",
}


def http_error(status, what, detail="", keys_page="https://app.earthmover.io"):
    """FluxError for an HTTP status, phrased for ``what`` (e.g. 'the WMS capabilities')."""
    detail = (detail or "").strip().replace("\n", " ")[:200] or f"HTTP {status}"
    template = _STATUS_SENTENCES.get(status)
    if template is None:
        if 500 <= status < 600:
            template = "the server failed (HTTP {status}). Try again later."
        else:
            template = "the server answered HTTP {status} ({detail})."
    sentence = template.format(detail=detail, what=what, status=status, keys_page=keys_page)
    return FluxError(f"Could not load {what}: {sentence}", status=status)
