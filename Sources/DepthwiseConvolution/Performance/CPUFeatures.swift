import Foundation

/// The instruction sets of the running CPU that the kernels can use.
enum CPUFeatures {
    /// AVX2, FMA and the rest of the Haswell instruction set the AVX2 kernels are compiled for.
    static let hasAVX2: Bool = has(["avx", "avx2", "fma", "f16c", "bmi1", "bmi2", "movbe", "abm", "popcnt"])

    /// AVX-512 (F, CD, BW, DQ, VL) and the rest of the Skylake-SP instruction set the
    /// AVX-512 kernels are compiled for.
    static let hasAVX512: Bool =
        hasAVX2 && has(["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl", "adx"])

    /// The flags the kernel reports for the first processor: those the CPU has and the
    /// operating system enabled (Linux clears AVX flags when it does not save their registers).
    private static let flags: Set<Substring> = {
        #if os(Linux) && arch(x86_64)
            guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
                let line = text.split(separator: "\n").first(where: { $0.hasPrefix("flags") }),
                let colon = line.firstIndex(of: ":")
            else { return [] }
            return Set(line[line.index(after: colon)...].split(separator: " "))
        #else
            return []
        #endif
    }()

    private static func has(_ names: [Substring]) -> Bool {
        names.allSatisfy(flags.contains)
    }
}
