from ganlib import runtime


def test_cpu_bf16_flags_reads_the_flags_line():
    amd = "processor\t: 0\nflags\t\t: fpu avx512f avx512_bf16 avx512vl\n"
    intel = "flags\t\t: fpu amx_tile amx_bf16 avx512_bf16\n"
    assert runtime.cpu_bf16_flags(amd) == ["avx512_bf16"]
    assert runtime.cpu_bf16_flags(intel) == ["amx_bf16", "avx512_bf16"]
    assert runtime.cpu_bf16_flags("flags\t\t: fpu sse2 avx2\n") == []
    assert runtime.cpu_bf16_flags("") == []


def test_cpu_bf16_flags_of_this_machine_is_a_list():
    flags = runtime.cpu_bf16_flags()
    assert isinstance(flags, list) and set(flags) <= set(runtime.BF16_CPU_FLAGS)
