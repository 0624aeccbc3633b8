"""Pure-Python core: Flux URLs, the Arraylake API client and answer parsing. No Qt here."""
