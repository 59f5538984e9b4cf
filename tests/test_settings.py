from __future__ import annotations

from pathlib import Path

import pytest

from sheetsync.settings import Settings, SettingsError, default_audience

BU = "0Uv5e000000TEST01A"
SECRET = "s3cr3t-value-never-printed"


def test_defaults_need_nothing(clean_env: Path) -> None:
    settings = Settings.load()
    assert settings.pardot_url == "https://pi.pardot.com"
    assert settings.salesforce_login_url == "https://login.salesforce.com"
    assert settings.lookback_minutes == 15
    assert settings.max_remove_percent == 20


def test_secret_from_file_and_never_printed(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret_file = clean_env / "secret.txt"
    secret_file.write_text(SECRET + "\n")
    monkeypatch.setenv("SHEETSYNC_CLIENT_SECRET_FILE", str(secret_file))
    settings = Settings.load()
    assert settings.client_secret is not None
    assert settings.client_secret.get_secret_value() == SECRET
    assert SECRET not in repr(settings)
    assert SECRET not in str(settings.model_dump())


def test_secret_inline_and_file_both_set_is_an_error(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret_file = clean_env / "key.pem"
    secret_file.write_text(SECRET)
    monkeypatch.setenv("SHEETSYNC_PRIVATE_KEY", SECRET)
    monkeypatch.setenv("SHEETSYNC_PRIVATE_KEY_FILE", str(secret_file))
    with pytest.raises(SettingsError) as info:
        Settings.load()
    message = str(info.value)
    assert "SHEETSYNC_PRIVATE_KEY and SHEETSYNC_PRIVATE_KEY_FILE are both set" in message
    assert SECRET not in message


def test_unreadable_secret_file_names_the_variable(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHEETSYNC_REFRESH_TOKEN_FILE", str(clean_env / "missing"))
    with pytest.raises(
        SettingsError, match="SHEETSYNC_REFRESH_TOKEN_FILE names a file that cannot"
    ):
        Settings.load()


def test_missing_settings_for_jwt_are_named(clean_env: Path) -> None:
    with pytest.raises(SettingsError) as info:
        Settings.load(auth_flow="jwt").pardot()
    assert str(info.value) == (
        "missing settings: Pardot needs SHEETSYNC_PARDOT_BUSINESS_UNIT_ID, SHEETSYNC_CLIENT_ID; "
        "SHEETSYNC_AUTH_FLOW=jwt needs SHEETSYNC_USERNAME, SHEETSYNC_PRIVATE_KEY "
        "(or SHEETSYNC_PRIVATE_KEY_FILE)"
    )


def test_a_private_key_that_is_not_pem_is_refused_up_front(clean_env: Path) -> None:
    settings = Settings.load(
        pardot_business_unit_id=BU, client_id="cid", username="u@example.com", private_key=SECRET
    )
    with pytest.raises(SettingsError, match=r"SHEETSYNC_PRIVATE_KEY .* is not an unencrypted PEM"):
        settings.pardot()


def test_auth_flow_ignores_case(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHEETSYNC_AUTH_FLOW", " Refresh_Token ")
    assert Settings.load().auth_flow == "refresh_token"
    monkeypatch.setenv("SHEETSYNC_AUTH_FLOW", "password")
    with pytest.raises(SettingsError, match="SHEETSYNC_AUTH_FLOW"):
        Settings.load()


def test_refresh_flow_needs_secret_and_token(clean_env: Path) -> None:
    with pytest.raises(SettingsError) as info:
        Settings.load(
            auth_flow="refresh_token", pardot_business_unit_id=BU, client_id="cid"
        ).pardot()
    assert "SHEETSYNC_REFRESH_TOKEN" in str(info.value)
    assert "SHEETSYNC_CLIENT_SECRET" in str(info.value)


def test_client_credentials_needs_my_domain(clean_env: Path) -> None:
    settings = Settings.load(
        auth_flow="client_credentials",
        pardot_business_unit_id=BU,
        client_id="cid",
        client_secret=SECRET,
    )
    with pytest.raises(SettingsError, match="My Domain URL in SHEETSYNC_SALESFORCE_LOGIN_URL"):
        settings.pardot()
    config = Settings.load(
        auth_flow="client_credentials",
        pardot_business_unit_id=BU,
        client_id="cid",
        client_secret=SECRET,
        salesforce_login_url="https://acme.my.salesforce.com",
    ).pardot()
    assert config.token_url == "https://acme.my.salesforce.com/services/oauth2/token"
    assert config.audience == "https://login.salesforce.com"


def test_sandbox_login_with_production_pardot_host_is_inconsistent(clean_env: Path) -> None:
    settings = Settings.load(
        auth_flow="client_credentials",
        pardot_business_unit_id=BU,
        client_id="cid",
        client_secret=SECRET,
        salesforce_login_url="https://test.salesforce.com",
    )
    with pytest.raises(SettingsError) as info:
        settings.pardot()
    # client_credentials also rejects test.salesforce.com; the JWT flow shows the host mismatch.
    jwt = Settings.load(
        pardot_business_unit_id=BU,
        client_id="cid",
        username="u@example.com",
        private_key=SECRET,
        salesforce_login_url="https://test.salesforce.com",
    )
    with pytest.raises(SettingsError, match=r"sandboxes use https://pi\.demo\.pardot\.com"):
        jwt.pardot()
    assert SECRET not in str(info.value)


def test_malformed_business_unit_names_the_variable(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHEETSYNC_PARDOT_BUSINESS_UNIT_ID", "12345")
    with pytest.raises(SettingsError, match="SHEETSYNC_PARDOT_BUSINESS_UNIT_ID: must be the 18"):
        Settings.load()


def test_bad_url_and_time_zone_name_the_variable(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHEETSYNC_PARDOT_URL", "pi.pardot.com")
    monkeypatch.setenv("SHEETSYNC_PARDOT_TIMEZONE", "Mars/Olympus")
    with pytest.raises(SettingsError) as info:
        Settings.load()
    assert "SHEETSYNC_PARDOT_URL: must be an http(s) URL" in str(info.value)
    assert "SHEETSYNC_PARDOT_TIMEZONE: unknown time zone 'Mars/Olympus'" in str(info.value)


def test_dotenv_file_is_read(clean_env: Path) -> None:
    (clean_env / ".env").write_text("SHEETSYNC_LOOKBACK_MINUTES=42\n")
    assert Settings.load().lookback_minutes == 42


@pytest.mark.parametrize(
    ("login", "audience"),
    [
        ("https://login.salesforce.com", "https://login.salesforce.com"),
        ("https://test.salesforce.com", "https://test.salesforce.com"),
        ("https://acme.my.salesforce.com", "https://login.salesforce.com"),
        ("https://acme--uat.sandbox.my.salesforce.com", "https://test.salesforce.com"),
        ("http://127.0.0.1:8123", "http://127.0.0.1:8123"),
    ],
)
def test_default_jwt_audience(login: str, audience: str) -> None:
    assert default_audience(login) == audience
