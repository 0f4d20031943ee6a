"""The PDF of a DOCX through LibreOffice (headless, a private profile, no network), where it is installed."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path


class ExportUnavailable(RuntimeError):
    """A format needs a program that is not installed (LibreOffice for a PDF of the report)."""


def find_soffice() -> str | None:
    """The LibreOffice program (``soffice``/``libreoffice``), or ``None`` where it is not installed.

    ``GEO_SOFFICE`` names it explicitly.
    """
    explicit = os.environ.get("GEO_SOFFICE")
    if explicit:
        return explicit if Path(explicit).exists() or shutil.which(explicit) else None
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    for candidate in (
        r"C:\Program Files\LibreOffice\program\soffice.exe",
        r"C:\Program Files (x86)\LibreOffice\program\soffice.exe",
        "/Applications/LibreOffice.app/Contents/MacOS/soffice",
    ):
        if Path(candidate).exists():
            return candidate
    return None


def docx_to_pdf(docx: bytes, timeout: float = 180) -> bytes:
    """Convert a DOCX to PDF with LibreOffice (headless, a private profile, no network).

    Parameters
    ----------
    docx : bytes
        The ``.docx`` file.
    timeout : float, default 180
        Seconds LibreOffice may take.

    Returns
    -------
    bytes
        The PDF.

    Raises
    ------
    ExportUnavailable
        Where LibreOffice is not installed or the conversion fails.
    """
    soffice = find_soffice()
    if soffice is None:
        raise ExportUnavailable(
            "Chưa cài LibreOffice nên không xuất được PDF; hãy xuất .docx rồi mở bằng Word và lưu PDF / "
            "LibreOffice is not installed: export .docx and save it as PDF from Word."
        )
    with tempfile.TemporaryDirectory(prefix="geo-report-") as tmp:
        src = Path(tmp) / "bao_cao.docx"
        src.write_bytes(docx)
        profile = (Path(tmp) / "profile").as_uri()
        cmd = [
            soffice,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "pdf:writer_pdf_Export",
            "--outdir",
            tmp,
            str(src),
        ]
        try:
            subprocess.run(cmd, capture_output=True, timeout=timeout, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise ExportUnavailable(f"LibreOffice không chuyển được sang PDF / conversion failed: {exc}") from exc
        out = src.with_suffix(".pdf")
        if not out.exists():
            raise ExportUnavailable("LibreOffice không tạo được tệp PDF / LibreOffice produced no PDF.")
        return out.read_bytes()
