"""The benchmark's arithmetic; its timings are reported by `make bench`, never asserted."""

from digits.core.params import ModelParams
from digits.training.model import build_model
from tools.bench import forward_flops, peak_flops, vector_isa


def test_forward_flops_count_each_multiply_add_of_the_seed_network():
    model = build_model(ModelParams(conv_filters=[32, 64], kernel_sizes=[5, 5], dense_units=128,
                                    dropout=0.5))
    conv1 = 28 * 28 * 32 * 5 * 5 * 1
    conv2 = 14 * 14 * 64 * 5 * 5 * 32
    dense = 7 * 7 * 64 * 128 + 128 * 10
    assert forward_flops(model) == 2 * (conv1 + conv2 + dense)


def test_peak_flops_is_cores_times_the_fastest_clock_times_flop_per_cycle():
    cpuinfo = "processor\t: 0\ncpu MHz\t\t: 2600.000\n\nprocessor\t: 1\ncpu MHz\t\t: 2600.000\n"
    peak, how = peak_flops(cpuinfo, cores=2)
    assert peak == 2 * 2.6e9 * 32
    assert how.startswith("2 cores x 2.60 GHz") and "32 FP32 FLOP/cycle" in how
    idling = f"cpu MHz\t\t: 1400.000\n{cpuinfo}cpu MHz\t\t: 1400.000\n"
    assert peak_flops(idling, cores=2)[0] == peak  # the fastest clock, wherever it is listed


def test_vector_isa_names_the_widest_extension_the_cpu_lists():
    avx2_host = "processor\t: 0\nflags\t\t: fpu sse2 avx fma avx2 f16c\n"
    avx512_host = "flags\t\t: fpu avx avx2 avx512f avx512bw avx512_bf16\n"
    assert vector_isa(avx2_host) == "AVX2"
    assert vector_isa(avx512_host) == "AVX-512"
    assert vector_isa("flags\t\t: fpu sse2\n") == "SSE or none"
