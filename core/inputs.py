"""Values typed by hand into a request, read safely: an id is ASCII digits within PostgreSQL's bigint
(`²` passes str.isdigit() but not int(); 2**63 passes int() but not the database), and a page to go
back to is a path of this site only."""

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

ID_MAX = 2**63 - 1  # bigint, the type of every primary key


def parse_id(value: object) -> int | None:
    """The id written in `value` (surrounding spaces allowed), or None when it is not one."""
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str):
        text = value.strip()
        if not (text.isascii() and text.isdigit()) or len(text) > len(str(ID_MAX)):
            return None
        number = int(text)
    else:
        return None
    return number if 1 <= number <= ID_MAX else None


def local_path(request: HttpRequest, target: str | None, default: str) -> str:
    """`target` when it is a path on this site ("/reports/?page=2"), `default` otherwise: another
    site, a scheme, a bare word (which redirect() would take for a URL name) or nothing at all."""
    if (
        target
        and target.startswith("/")
        and not target.startswith("//")
        and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure())
    ):
        return target
    return default
