/* rng.c: which vector instructions the block loops use (rng.h). */
#include "rng.h"

#include <stdlib.h>
#include <string.h>

/* the best level this processor has */
static int rng_simd_cpu(void)
{
#if RNG_X86
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
        __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq"))
        return RNG_SIMD_AVX512;
    if (__builtin_cpu_supports("avx2")) return RNG_SIMD_AVX2;
#endif
    return RNG_SIMD_PLAIN;
}

int rng_simd(void)
{
    const int cpu = rng_simd_cpu();
    const char *cap = getenv("AANDACHT_SIMD");
    if (!cap) return cpu;
    for (int level = RNG_SIMD_PLAIN; level <= RNG_SIMD_AVX512; level++)
        if (strcmp(cap, rng_simd_name(level)) == 0) return level < cpu ? level : cpu;
    return cpu; /* not a level's name: no cap */
}

const char *rng_simd_name(int level)
{
    switch (level) {
    case RNG_SIMD_AVX512: return "avx512";
    case RNG_SIMD_AVX2: return "avx2";
    default: return "plain";
    }
}
