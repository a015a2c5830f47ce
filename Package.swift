// swift-tools-version: 6.2
import PackageDescription

// The SIMD kernels are compiled three times: for baseline x86-64 (in DepthwiseConvolution), and
// in two modules built for wider instruction sets, which run only on CPUs that have them.
#if arch(x86_64)
    let avx2Settings: [SwiftSetting] = [.unsafeFlags(["-target-cpu", "haswell"])]
    let avx512Settings: [SwiftSetting] = [.unsafeFlags(["-target-cpu", "skylake-avx512"])]
#else
    let avx2Settings: [SwiftSetting] = []
    let avx512Settings: [SwiftSetting] = []
#endif

let package = Package(
    name: "Depthwise",
    products: [
        // MARK: Libraries
        .library(name: "DepthwiseConvolution", targets: ["DepthwiseConvolution"]),
        .library(name: "DepthwiseLayers", targets: ["DepthwiseLayers"]),
        .library(name: "NumPyFormat", targets: ["NumPyFormat"]),

        // MARK: Tool
        .executable(name: "depthwise", targets: ["DepthwiseTool"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0")
    ],
    targets: [
        // MARK: Libraries
        .target(
            name: "DepthwiseConvolution",
            dependencies: ["DepthwiseKernels", "DepthwiseKernelsAVX2", "DepthwiseKernelsAVX512"]
        ),
        .target(name: "DepthwiseKernels", dependencies: ["CacheHints", "SquareTranspose"]),
        .target(name: "CacheHints"),
        .target(name: "SquareTranspose"),
        .target(name: "DepthwiseKernelsAVX2", dependencies: ["DepthwiseKernels"], swiftSettings: avx2Settings),
        .target(name: "DepthwiseKernelsAVX512", dependencies: ["DepthwiseKernels"], swiftSettings: avx512Settings),
        .target(name: "DepthwiseLayers", dependencies: ["DepthwiseConvolution", "NumPyFormat"]),
        .target(name: "NumPyFormat", dependencies: ["DepthwiseConvolution"]),

        // MARK: Tool
        .executableTarget(
            name: "DepthwiseTool",
            dependencies: [
                "DepthwiseConvolution",
                "DepthwiseLayers",
                "NumPyFormat",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // MARK: Fuzzing (Scripts/fuzz.sh builds the executable with libFuzzer)
        .target(
            name: "FuzzTargets",
            dependencies: ["DepthwiseConvolution", "DepthwiseLayers", "NumPyFormat"],
            path: "Fuzz/FuzzTargets"
        ),
        .executableTarget(name: "DepthwiseFuzz", dependencies: ["FuzzTargets"], path: "Fuzz/Entry"),

        // MARK: Test support
        .target(
            name: "GoldenFixtures",
            dependencies: ["DepthwiseConvolution", "DepthwiseLayers", "NumPyFormat"],
            path: "Tests/GoldenFixtures",
            exclude: ["golden"]
        ),

        // MARK: Tests
        .testTarget(
            name: "DepthwiseConvolutionTests",
            dependencies: ["DepthwiseConvolution", "DepthwiseKernels", "GoldenFixtures"]
        ),
        .testTarget(
            name: "DepthwiseLayersTests",
            dependencies: ["DepthwiseLayers", "GoldenFixtures"]
        ),
        .testTarget(
            name: "FuzzCorpusTests",
            dependencies: ["FuzzTargets"]
        ),
        .testTarget(
            name: "NumPyFormatTests",
            dependencies: ["NumPyFormat"]
        ),
        .testTarget(
            name: "DepthwiseToolTests",
            dependencies: ["DepthwiseTool", "GoldenFixtures"]
        ),
    ]
)
