"""Recognising pickles in a trained model: by name, by their opening opcodes, inside `.npz` archives."""
from __future__ import annotations

import io
import pickletools
import zipfile

PICKLE_SUFFIXES = (".pkl", ".pickle", ".joblib", ".pt", ".sav")


def is_pickle(data: bytes) -> bool:
    """True when `data` parses as a pickle stream (any protocol), or is a zip/npz holding one."""
    if data[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return any(name.endswith(PICKLE_SUFFIXES) or is_pickle(archive.read(name))
                       for name in archive.namelist())
    if data[:6] == b"\x93NUMPY":  # a .npy array: an object dtype is stored as a pickle after the header
        header_length = int.from_bytes(data[8:10], "little") if data[6] == 1 else int.from_bytes(data[8:12], "little")
        header = data[: 10 + header_length].decode("latin-1")
        return "'O'" in header or "|O" in header
    if not data or data[0] not in (0x80, ord("("), ord("]"), ord("}"), ord("c"), ord("I"), ord("N")):
        return False
    try:
        for _ in pickletools.genops(io.BytesIO(data)):
            pass
    except Exception:  # noqa: BLE001 - not a well-formed pickle stream
        return False
    return data.rstrip().endswith(b".")
