"""What an uploaded file really is, read from its first and last bytes, never from its name.

The stored name's extension is the detected one (orders.models._random_name keeps it), so the
desk and the Sanctuaire can serve a file with the right type without trusting the upload. Size
limits are the sections' own (orders.sections).
"""

from django.core.files.uploadedfile import UploadedFile

AUDIO_CONTENT_TYPES = {
    "mp3": "audio/mpeg",
    "ogg": "audio/ogg",
    "wav": "audio/wav",
    "m4a": "audio/mp4",
}
PDF_CONTENT_TYPE = "application/pdf"

# ISO base media "brands" an audio-only MP4 (m4a) carries.
_M4A_BRANDS = {b"M4A ", b"M4B ", b"mp41", b"mp42", b"isom", b"iso2", b"dash"}


def _head_and_tail(upload: UploadedFile, size: int = 1024) -> tuple[bytes, bytes]:
    upload.seek(0)
    head = upload.read(size)
    if upload.size > size:
        upload.seek(max(upload.size - size, 0))
        tail = upload.read(size)
    else:
        tail = head
    upload.seek(0)
    return head, tail


def detect_audio(upload: UploadedFile) -> str | None:
    """'mp3', 'ogg', 'wav' or 'm4a' from the bytes; None for anything else."""
    head, _tail = _head_and_tail(upload, 64)
    if head.startswith(b"ID3") and len(head) > 10:
        return "mp3"
    # An MPEG audio frame: 11 sync bits, then a layer that is not "reserved".
    if len(head) >= 4 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0 and head[1] & 0x06:
        return "mp3"
    if head.startswith(b"OggS") and len(head) >= 28:
        return "ogg"
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE" and head[12:16] in {b"fmt ", b"JUNK"}:
        return "wav"
    if head[4:8] == b"ftyp" and head[8:12] in _M4A_BRANDS:
        return "m4a"
    return None


def is_pdf(upload: UploadedFile) -> bool:
    """A PDF header at the start and an end-of-file marker in the last kilobyte."""
    head, tail = _head_and_tail(upload)
    return head[:7] in {b"%PDF-1.", b"%PDF-2."} and b"%%EOF" in tail
