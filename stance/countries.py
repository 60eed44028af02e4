"""ISO 3166-1 alpha-3 country codes, from pycountry."""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=None)
def is_country_code(code: str) -> bool:
    """Whether ``code`` is a current or historic ISO 3166-1 alpha-3 code (``SUN`` included).

    >>> is_country_code("RUS"), is_country_code("XYZ")
    (True, False)
    """
    import pycountry

    return (
        pycountry.countries.get(alpha_3=code) is not None
        or pycountry.historic_countries.get(alpha_3=code) is not None
    )
