"""Claim documents: the S3-compatible store their bytes live in, and what an upload may be."""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings

from infra.settings_fields.documented import DOCUMENTED


class DocumentSettings(BaseSettings):
    """Claim documents: object storage and upload limits."""

    model_config = DOCUMENTED

    documents_s3_endpoint: str | None = None
    """URL of an S3-compatible store (SeaweedFS, MinIO, Ceph, ...); unset: AWS S3 itself.
    `claims dev` runs SeaweedFS and sets it
    """
    documents_s3_bucket: str = "claims-documents"
    """bucket holding the documents' encrypted bytes (it must exist)"""
    documents_s3_region: str = "us-east-1"
    """region of the bucket"""
    documents_s3_access_key_id: str | None = None
    """S3 access key id; unset: the ambient AWS chain (environment, web identity, instance
    profile)
    """
    documents_s3_secret_access_key: SecretStr | None = None
    """S3 secret access key, with `CLAIMS_DOCUMENTS_S3_ACCESS_KEY_ID`"""
    # Counted as the bytes arrive, before anything is stored: a bigger file is refused part-way.
    documents_max_file_bytes: int = Field(default=20 * 1024 * 1024, ge=1024)
    """largest uploaded file, in bytes"""
    documents_max_per_claim: int = Field(default=20, ge=1, le=1000)
    """most documents (files and texts) one claim may hold"""
    documents_max_claim_bytes: int = Field(default=100 * 1024 * 1024, ge=1024)
    """most bytes of files one claim may hold"""
    documents_max_pdf_pages: int = Field(default=200, ge=1)
    """most pages of an uploaded PDF"""
    documents_max_image_pixels: int = Field(default=40_000_000, ge=1_000_000)
    """most pixels of an uploaded image (a decompression bomb is refused before it is decoded)"""
    # What an upload cut short leaves behind (activities/document_sweep.py).
    documents_sweep_every_s: float = Field(default=3600.0, gt=0)
    """how often each claims worker sweeps away unfinished uploads and orphan objects"""
    documents_sweep_grace_s: float = Field(default=3600.0, ge=0)
    """how old an unfinished upload or an orphan object must be before the sweep removes it
    (longer than any upload takes)
    """
