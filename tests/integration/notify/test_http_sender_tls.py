"""An https webhook goes to the address the guard checked, and its certificate must still be
valid for the URL's host name (the pinned address is not what is verified)."""

import asyncio
import ssl
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.integration.notify.webhook_deliveries import delivery
from tests.support.bare_http import read_request
from ticketflow_notify.adapters.address_guard import AddressGuard
from ticketflow_notify.adapters.http_sender import HttpSender, new_session
from ticketflow_notify.domain.network_policy import parse_networks


def certificate_for(name: str, directory: Path) -> tuple[Path, Path]:
    """A self-signed certificate for `name` and its key, as PEM files."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=1))
        .not_valid_after(now + timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        await read_request(reader)
        writer.write(b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n")
        await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError, ssl.SSLError):
        pass
    finally:
        writer.close()


@pytest.fixture
async def https_port(tmp_path: Path) -> AsyncIterator[tuple[int, Path]]:
    cert, key = certificate_for("localhost", tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    server = await asyncio.start_server(answer, "127.0.0.1", 0, ssl=context)
    async with server:
        yield server.sockets[0].getsockname()[1], cert


async def send(url: str, trusted: Path) -> tuple[int | None, str | None]:
    trust = ssl.create_default_context(cafile=str(trusted))
    guard = AddressGuard(allowed=parse_networks(["127.0.0.0/8", "::1/128"]))
    async with new_session(tls=trust) as http:
        sender = HttpSender(http=http, guard=guard, timeout_seconds=5)
        result = await sender.send(delivery(url), secrets=["s3cret"], now=datetime.now(UTC))
    return result.status_code, result.error


async def test_a_certificate_valid_for_the_urls_host_is_accepted(
    https_port: tuple[int, Path],
) -> None:
    port, cert = https_port
    assert await send(f"https://localhost:{port}/hooks", cert) == (204, None)


async def test_a_certificate_for_another_name_fails_the_attempt(
    https_port: tuple[int, Path],
) -> None:
    port, cert = https_port
    status, error = await send(f"https://127.0.0.1:{port}/hooks", cert)
    assert status is None
    assert error is not None
    assert "certificate" in error.lower()


async def test_an_untrusted_certificate_fails_the_attempt(
    https_port: tuple[int, Path], tmp_path: Path
) -> None:
    port, _ = https_port
    (tmp_path / "other").mkdir()
    other, _ = certificate_for("localhost", tmp_path / "other")
    status, error = await send(f"https://localhost:{port}/hooks", other)
    assert status is None
    assert error is not None
    assert "certificate" in error.lower()
