"""``userpools dev-cert``: a certificate for localhost, signed by a local CA."""

from __future__ import annotations

from pathlib import Path

import click


@click.command("dev-cert")
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where to keep the CA and write the certificate. Default: "
    "$XDG_DATA_HOME/userpools/tls (~/.local/share/userpools/tls).",
)
def dev_cert(directory: Path | None) -> None:
    """Make a certificate for localhost, 127.0.0.1 and ::1, signed by a local CA.

    The CA is made on first use and kept in the directory; later runs sign new
    certificates with it, so clients trust the CA once. For development only: anyone
    with the CA's key can impersonate any site to whoever trusts it.
    """
    from userpools.crypto.devcert import make_dev_certificates
    from userpools.settings import default_tls_dir

    made = make_dev_certificates(directory or default_tls_dir())
    state = "new" if made.ca_created else "kept"
    click.echo(f"CA ({state}): {made.ca_cert}")
    click.echo(f"CA key: {made.ca_key} (keep it private)")
    click.echo(f"certificate for localhost, 127.0.0.1, ::1: {made.server_cert}")
    click.echo(f"its key: {made.server_key}")
    click.echo(f"valid until {made.not_after:%Y-%m-%d %H:%M} UTC")
    click.echo("")
    click.echo(f"serve: userpools serve --tls-cert {made.server_cert} --tls-key {made.server_key}")
    click.echo("trust the CA (docs/deployment.md):")
    click.echo(f"  Node.js:           export NODE_EXTRA_CA_CERTS={made.ca_cert}")
    click.echo(f"  boto3, AWS CLI:    export AWS_CA_BUNDLE={made.ca_cert}")
    click.echo(f"  Python requests:   export REQUESTS_CA_BUNDLE={made.ca_cert}")
    click.echo(f"  curl:              curl --cacert {made.ca_cert} https://localhost:9229/health")
    click.echo(
        f"  Debian, Ubuntu:    sudo cp {made.ca_cert} /usr/local/share/ca-certificates/"
        "userpools-dev-ca.crt && sudo update-ca-certificates"
    )
    click.echo(
        "  macOS:             sudo security add-trusted-cert -d -r trustRoot -k "
        f"/Library/Keychains/System.keychain {made.ca_cert}"
    )
