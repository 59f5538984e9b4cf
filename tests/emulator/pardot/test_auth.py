"""Salesforce token endpoint (four grants) and the per-call bearer / business-unit checks."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import httpx
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from sheetsync.emulator.pardot import PardotEmulator

from .conftest import Api, error

JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
TOKEN = "/services/oauth2/token"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def sign_jwt(claims: dict[str, Any], private_pem: str) -> str:
    key = serialization.load_pem_private_key(private_pem.encode(), password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    head = _b64(json.dumps({"alg": "RS256"}).encode())
    body = _b64(json.dumps(claims).encode())
    signature = key.sign(f"{head}.{body}".encode(), padding.PKCS1v15(), hashes.SHA256())
    return f"{head}.{body}.{_b64(signature)}"


def claims(emu: PardotEmulator, **overrides: Any) -> dict[str, Any]:
    base = {
        "iss": emu.credentials.client_id,
        "sub": emu.credentials.username,
        "aud": emu.url,
        "exp": int(emu.clock.now().timestamp()) + 120,
    }
    base.update(overrides)
    return base


def jwt_grant(api: Api, assertion: str) -> httpx.Response:
    return api.http.post(TOKEN, data={"grant_type": JWT_GRANT, "assertion": assertion})


def test_jwt_grant_issues_a_salesforce_style_token(emu: PardotEmulator, api: Api) -> None:
    response = jwt_grant(api, sign_jwt(claims(emu), emu.credentials.private_key_pem))
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {
        "access_token",
        "instance_url",
        "id",
        "token_type",
        "issued_at",
        "signature",
        "scope",
    }
    assert "expires_in" not in body
    assert body["access_token"].startswith("00D") and "!" in body["access_token"]
    assert body["instance_url"] == emu.url
    assert body["id"].startswith(emu.url + "/id/00D")
    assert body["token_type"] == "Bearer"
    assert body["issued_at"].isdigit()
    assert abs(int(body["issued_at"]) / 1000 - emu.clock.now().timestamp()) < 5  # ms, emu clock
    api.token = body["access_token"]
    assert api.query("users", fields="id").status_code == 200


def test_jwt_failures_say_what_was_wrong(emu: PardotEmulator, api: Api) -> None:
    key = emu.credentials.private_key_pem
    now = int(emu.clock.now().timestamp())
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    other_pem = other_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    cases = {
        "audience is invalid": sign_jwt(claims(emu, aud="https://login.salesforce.com"), key),
        "expired assertion": sign_jwt(claims(emu, exp=now - 60), key),
        "more than 3 minutes": sign_jwt(claims(emu, exp=now + 3600), key),
        "user hasn't approved this consumer": sign_jwt(claims(emu, sub="someone@else"), key),
        "client identifier invalid": sign_jwt(claims(emu, iss="3MVGwrong"), key),
        "invalid assertion": sign_jwt(claims(emu), other_pem),
    }
    for expected, assertion in cases.items():
        response = jwt_grant(api, assertion)
        assert response.status_code == 400, expected
        body = response.json()
        assert body["error"] == "invalid_grant", expected
        assert expected in body["error_description"], (expected, body)
    garbage = jwt_grant(api, "not.a.jwt")
    assert garbage.status_code == 400
    assert garbage.json()["error_description"] == "invalid assertion"


def test_jwt_exp_may_follow_real_time_when_the_emulator_clock_moved(
    emu: PardotEmulator, api: Api
) -> None:
    """A client signing with its own clock keeps working after a test moves the emulator clock."""
    emu.clock.advance(3 * 3600)
    real_exp = int(time.time()) + 120
    response = jwt_grant(api, sign_jwt(claims(emu, exp=real_exp), emu.credentials.private_key_pem))
    assert response.status_code == 200, response.text


def test_refresh_token_grant(emu: PardotEmulator, api: Api) -> None:
    creds = emu.credentials
    form = {
        "grant_type": "refresh_token",
        "client_id": creds.client_id,
        "client_secret": creds.client_secret,
        "refresh_token": creds.refresh_token,
    }
    good = api.http.post(TOKEN, data=form)
    assert good.status_code == 200
    assert "refresh_token" not in good.json()
    bad = api.http.post(TOKEN, data={**form, "refresh_token": "5Aep861nope"})
    assert bad.status_code == 400
    assert bad.json() == {
        "error": "invalid_grant",
        "error_description": "expired access/refresh token",
    }


def test_client_credentials_in_form_or_basic_auth(emu: PardotEmulator, api: Api) -> None:
    creds = emu.credentials
    basic = api.http.post(
        TOKEN,
        data={"grant_type": "client_credentials"},
        auth=(creds.client_id, creds.client_secret),
    )
    assert basic.status_code == 200
    wrong_id = api.http.post(
        TOKEN,
        data={"grant_type": "client_credentials", "client_id": "x", "client_secret": "y"},
    )
    assert wrong_id.status_code == 400
    assert wrong_id.json() == {
        "error": "invalid_client_id",
        "error_description": "client identifier invalid",
    }
    wrong_secret = api.http.post(
        TOKEN,
        data={
            "grant_type": "client_credentials",
            "client_id": creds.client_id,
            "client_secret": "nope",
        },
    )
    assert wrong_secret.status_code == 400
    assert wrong_secret.json()["error"] == "invalid_client"


def test_password_grant_and_unknown_grant(emu: PardotEmulator, api: Api) -> None:
    creds = emu.credentials
    form = {
        "grant_type": "password",
        "client_id": creds.client_id,
        "client_secret": creds.client_secret,
        "username": creds.username,
        "password": creds.password,
    }
    assert api.http.post(TOKEN, data=form).status_code == 200
    bad = api.http.post(TOKEN, data={**form, "password": "wrong"})
    assert bad.status_code == 400 and bad.json()["error"] == "invalid_grant"
    unknown = api.http.post(TOKEN, data={"grant_type": "authorization_code"})
    assert unknown.status_code == 400
    assert unknown.json()["error"] == "unsupported_grant_type"


def test_each_call_issues_a_new_token_and_token_calls_are_counted(
    emu: PardotEmulator, api: Api
) -> None:
    assert api.new_token() != api.new_token()
    stats = emu.server.stats()
    assert stats["requests"]["token"] == 3  # the fixture's token and these two
    assert stats["api_usage"]["today"] == 0  # token calls never count against the daily limit


def test_missing_or_non_bearer_authorization_is_access_denied(api: Api) -> None:
    headers = {"Pardot-Business-Unit-Id": api.emu.business_unit_id}
    for extra in ({}, {"Authorization": "Basic abc"}, {"Authorization": "Bearer"}):
        response = api.http.get(
            "/api/v5/objects/users", params={"fields": "id"}, headers={**headers, **extra}
        )
        assert error(response) == (401, 49, "Access Denied")


def test_unknown_and_expired_tokens_are_184(emu: PardotEmulator, api: Api) -> None:
    message = "access_token is invalid, unknown, or malformed: Inactive token"
    api.token = "00Dbogus!AQnope"
    assert error(api.query("users", fields="id")) == (401, 184, message)
    api.token = api.new_token()
    assert api.query("users", fields="id").status_code == 200
    assert emu.expire_tokens() >= 1
    assert error(api.query("users", fields="id")) == (401, 184, message)


def test_tokens_expire_after_their_lifetime_on_the_emulator_clock() -> None:
    with PardotEmulator(prospects=50, token_lifetime_seconds=60) as emu:
        emu.clock.freeze()
        api = Api(emu)
        assert api.query("users", fields="id").status_code == 200
        emu.clock.advance(59)
        assert api.query("users", fields="id").status_code == 200
        emu.clock.advance(2)
        assert error(api.query("users", fields="id"))[1] == 184
        api.close()


def test_business_unit_header_checks(emu: PardotEmulator, api: Api) -> None:
    def call(unit: str | None) -> httpx.Response:
        headers = {"Authorization": f"Bearer {api.token}"}
        if unit is not None:
            headers["Pardot-Business-Unit-Id"] = unit
        return api.http.get("/api/v5/objects/users", params={"fields": "id"}, headers=headers)

    assert error(call(None)) == (
        400,
        181,
        "A required header is missing: Pardot-Business-Unit-Id header not found on request.",
    )
    assert error(call("abc")) == (400, 182, "Invalid header value")
    assert error(call("0Uv5e000000TEST01A!")) == (400, 182, "Invalid header value")
    assert error(call("0Uv000000000000AAA")) == (
        400,
        201,
        "Business Unit specified in Pardot-Business-Unit-Id header not found or inactive.",
    )
    assert call(emu.business_unit_id).status_code == 200
    assert call(emu.business_unit_id[:15]).status_code == 200  # the 15-character form


def test_settings_env_per_flow(emu: PardotEmulator) -> None:
    common = {
        "SHEETSYNC_PARDOT_URL": emu.url,
        "SHEETSYNC_SALESFORCE_LOGIN_URL": emu.url,
        "SHEETSYNC_PARDOT_BUSINESS_UNIT_ID": emu.business_unit_id,
        "SHEETSYNC_PARDOT_TIMEZONE": "America/Los_Angeles",
        "SHEETSYNC_CLIENT_ID": emu.credentials.client_id,
    }
    jwt = emu.settings_env("jwt")
    assert jwt.items() >= common.items()
    assert jwt["SHEETSYNC_AUTH_FLOW"] == "jwt"
    assert jwt["SHEETSYNC_USERNAME"] == emu.credentials.username
    assert jwt["SHEETSYNC_PRIVATE_KEY"].startswith("-----BEGIN PRIVATE KEY-----")
    refresh = emu.settings_env("refresh_token")
    assert refresh["SHEETSYNC_REFRESH_TOKEN"] == emu.credentials.refresh_token
    assert refresh["SHEETSYNC_CLIENT_SECRET"] == emu.credentials.client_secret
    client = emu.settings_env("client_credentials")
    assert "SHEETSYNC_PRIVATE_KEY" not in client and "SHEETSYNC_REFRESH_TOKEN" not in client
    assert client["SHEETSYNC_CLIENT_SECRET"] == emu.credentials.client_secret
    assert emu.business_unit_id.startswith("0Uv") and len(emu.business_unit_id) == 18
    assert emu.credentials.public_key_pem.startswith("-----BEGIN PUBLIC KEY-----")
    assert emu.credentials.client_secret not in repr(emu.credentials)
