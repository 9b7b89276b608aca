"""A NUL byte in a path or query string is a client error, never a server error (PostgreSQL refuses NUL in
a query, so an unchecked URL value reaching the database would otherwise answer 500)."""

import pytest


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/c/%00/", "/c/a%00b/", "/c/someone/?cursor=%00", "/feed/?cursor=a%00",
                                  "/p/1/?x=%00", "/creators/?q=%00"])
def test_pages_refuse_nul_bytes_with_400(client, path):
    response = client.get(path)
    assert response.status_code == 400
    assert b"NUL" in response.content


@pytest.mark.django_db
def test_the_api_refuses_nul_bytes_with_its_error_body(client):
    response = client.get("/api/v1/creators/%00/")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "VALIDATION_ERROR"


@pytest.mark.django_db
def test_odd_but_harmless_addresses_are_plain_not_founds(client):
    for path in ["/p/99999999999999999999999/", "/c/" + "x" * 500 + "/", "/c/%F0%9F%98%80/"]:
        assert client.get(path).status_code == 404
