"""What ``--precision auto`` resolves to on a CPU, by its bf16 instructions and vendor."""

import pytest

from biobench import hardware


@pytest.mark.parametrize(("flags", "vendor", "expected"), [
    ({"avx512f", "amx_bf16", "avx512_bf16"}, "GenuineIntel", "bf16"),
    ({"avx512f", "avx512_bf16"}, "GenuineIntel", "fp32"),
    ({"avx512f", "avx512_bf16"}, "AuthenticAMD", "bf16"),
    ({"avx2"}, "AuthenticAMD", "fp32"),
    (set(), "", "fp32"),
])
def test_auto_on_a_cpu(monkeypatch, flags, vendor, expected):
    monkeypatch.setattr(hardware.torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(hardware, "cpu_flags", lambda: flags)
    monkeypatch.setattr(hardware, "_cpuinfo", lambda field: {"vendor_id": vendor}.get(field, ""))
    assert hardware.resolve_precision("auto") == expected
    assert hardware.resolve_precision("fp32") == "fp32"


def test_glibc_is_told_to_keep_freed_memory():
    import platform

    assert hardware.keep_freed_memory() is (platform.system() == "Linux" and platform.libc_ver()[0] == "glibc")
