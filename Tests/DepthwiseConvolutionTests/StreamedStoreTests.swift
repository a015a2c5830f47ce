import DepthwiseKernels
import Testing

/// Stores past the caches (``Streamed``) for the output of layers streamed from memory.
@Suite struct StreamedStoreTests {
    /// Stores `vector` at byte `offset` of a 128-byte buffer of 0xEE bytes in format `Format`,
    /// then fences; returns the buffer's bytes.
    func bytes<Format: OutputFormat, V: KernelVector>(
        _: Format.Type, _ vector: V, atByteOffset offset: Int
    ) -> [UInt8] {
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: 128, alignment: 64)
        defer { buffer.deallocate() }
        buffer.initializeMemory(as: UInt8.self, repeating: 0xEE, count: 128)
        Format.store(vector, to: (buffer + offset).assumingMemoryBound(to: Format.Stored.self))
        Format.finishStores()
        return Array(UnsafeRawBufferPointer(start: buffer, count: 128))
    }

    /// The streamed bytes equal `Base`'s, at a 64-byte boundary and at a 16-byte one that is
    /// not 32 (a pixel of 36 floats, say), and the bytes around them stay as they were.
    func expectSameBytes<Base: OutputFormat, V: KernelVector>(_: Base.Type, _ vector: V) {
        for offset in [0, 16, 48] {
            #expect(bytes(Streamed<Base>.self, vector, atByteOffset: offset) == bytes(Base.self, vector, atByteOffset: offset))
        }
    }

    func vector<V: KernelVector>(_: V.Type) -> V where V.Element == Float {
        let values = (0..<V.laneCount).map { Float($0) * 1.375 - 3.1 }
        return values.withUnsafeBufferPointer { V(loading: $0.baseAddress!) }
    }

    func vector<V: KernelVector>(_: V.Type) -> V where V.Element == Double {
        let values = (0..<V.laneCount).map { Double($0) * 1.375 - 3.1 }
        return values.withUnsafeBufferPointer { V(loading: $0.baseAddress!) }
    }

    @Test func floatVectorsStoreTheirOwnBytes() {
        typealias Family = AVX2Instructions.Float32
        expectSameBytes(NativeFormat<Float>.self, vector(Family.Wide.self))
        expectSameBytes(NativeFormat<Float>.self, vector(Family.Register.self))
        expectSameBytes(NativeFormat<Float>.self, vector(Family.Narrow.self))
        expectSameBytes(NativeFormat<Float>.self, vector(Family.Single.self))  // 4 bytes: stored through the caches
    }

    @Test func doubleVectorsStoreTheirOwnBytes() {
        typealias Family = AVX2Instructions.Float64
        expectSameBytes(NativeFormat<Double>.self, vector(Family.Wide.self))
        expectSameBytes(NativeFormat<Double>.self, vector(Family.Register.self))
        expectSameBytes(NativeFormat<Double>.self, vector(Family.Narrow.self))
        expectSameBytes(NativeFormat<Double>.self, vector(Family.Single.self))
    }

    @Test func halfFormatsStoreTheirRoundedBytes() {
        typealias Family = AVX2Instructions.Float32
        for format: any HalfFormat.Type in [Float16Format.self, BFloat16Format.self] {
            func check<H: HalfFormat>(_: H.Type) {
                expectSameBytes(H.self, vector(Family.Wide.self))
                expectSameBytes(H.self, vector(Family.Register.self))
                expectSameBytes(H.self, vector(Family.Narrow.self))  // 8 bytes: stored through the caches
            }
            check(format)
        }
    }

    /// On x86-64, the NHWC forward pass streams the output of a layer of more than 16 MiB, where
    /// every vector lands on a multiple of 16 bytes; elsewhere it stores through the caches.
    @Test func onlyAlignedOutputsOfLayersLargerThanTheCachesAreStreamed() {
        typealias Kernels = NHWCKernels<AVX2Instructions.Float32>
        func geometry(batch: Int, channels: Int) -> KernelGeometry {
            KernelGeometry(
                batch: batch, inputHeight: 9, inputWidth: 1024, channels: channels, multiplier: 1, filterHeight: 3,
                filterWidth: 3, outputHeight: 9, outputWidth: 1024, strides: (1, 1), dilations: (1, 1), padTop: 1, padLeft: 1)
        }
        let output = UnsafeMutablePointer<Float>.allocate(capacity: 4)
        defer { output.deallocate() }
        let half = UnsafeMutableRawPointer(output).assumingMemoryBound(to: UInt16.self)
        #if arch(x86_64)
            #expect(Kernels.streamsOutput(geometry(batch: 1, channels: 288), output))  // 21 MiB of Float
            #expect(Kernels.streamsOutput(geometry(batch: 2, channels: 288), half))  // 21 MiB of 16-bit values
        #else
            #expect(!Kernels.streamsOutput(geometry(batch: 1, channels: 288), output))
        #endif
        #expect(!Kernels.streamsOutput(geometry(batch: 1, channels: 288), half))  // 10.5 MiB
        #expect(!Kernels.streamsOutput(geometry(batch: 1, channels: 288), output + 1))  // pixels 4 bytes from 16
        #expect(!Kernels.streamsOutput(geometry(batch: 2, channels: 289), output))  // pixels of 1156 bytes
        #expect(!Kernels.streamsOutput(geometry(batch: 1, channels: 32), output))  // 2.3 MiB
    }
}
