/// The vectors one instruction set computes a scalar type in.
///
/// The kernels are generic over a family and `@inlinable`: each instruction-set module
/// (built for its own CPU) instantiates them with its families, so that the same source
/// compiles to SSE2, AVX2 or AVX-512 code.
public protocol VectorFamily {
    associatedtype Scalar: KernelScalar
    /// Several registers, so that independent sums hide the add latency in one-accumulator loops.
    associatedtype Wide: KernelVector where Wide.Element == Scalar
    /// Exactly one register, for the register-blocked kernels that keep many accumulators.
    associatedtype Register: KernelVector where Register.Element == Scalar
    /// A short vector, for channel counts between the blocks and the tail.
    associatedtype Narrow: KernelVector where Narrow.Element == Scalar
    /// One lane, for the tail.
    associatedtype Single: KernelVector where Single.Element == Scalar
    /// The vector registers of the instruction set, which bound the sums a block can keep.
    static var registerCount: Int { get }
}

extension VectorFamily {
    @inlinable public static var registerCount: Int { 16 }
}

/// The families of one instruction set, for `Float` and for `Double`.
public protocol InstructionSet {
    associatedtype Float32: VectorFamily where Float32.Scalar == Float
    associatedtype Float64: VectorFamily where Float64.Scalar == Double
}

/// SSE2 on x86-64, NEON on ARM64: 128-bit registers, products and sums rounded separately,
/// so that every CPU of the architecture gives the same bits.
public enum PortableInstructions: InstructionSet {
    public enum Float32: VectorFamily {
        public typealias Wide = FloatVector16<Separate>
        public typealias Register = FloatVector4<Separate>
        public typealias Narrow = FloatVector4<Separate>
        public typealias Single = Lane<Float, Separate>
    }
    public enum Float64: VectorFamily {
        public typealias Wide = DoubleVector8<Separate>
        public typealias Register = DoubleVector2<Separate>
        public typealias Narrow = DoubleVector2<Separate>
        public typealias Single = Lane<Double, Separate>
    }
}

/// AVX2 with FMA: 256-bit registers, fused multiply-adds.
public enum AVX2Instructions: InstructionSet {
    public enum Float32: VectorFamily {
        public typealias Wide = FloatVector16<Fused>
        public typealias Register = FloatVector8<Fused>
        public typealias Narrow = FloatVector4<Fused>
        public typealias Single = Lane<Float, Fused>
    }
    public enum Float64: VectorFamily {
        public typealias Wide = DoubleVector8<Fused>
        public typealias Register = DoubleVector4<Fused>
        public typealias Narrow = DoubleVector2<Fused>
        public typealias Single = Lane<Double, Fused>
    }
}

/// AVX-512: 512-bit registers, fused multiply-adds.
public enum AVX512Instructions: InstructionSet {
    public enum Float32: VectorFamily {
        public typealias Wide = FloatVector16<Fused>
        public typealias Register = FloatVector16<Fused>
        public typealias Narrow = FloatVector4<Fused>
        public typealias Single = Lane<Float, Fused>
        @inlinable public static var registerCount: Int { 32 }
    }
    public enum Float64: VectorFamily {
        public typealias Wide = DoubleVector8<Fused>
        public typealias Register = DoubleVector8<Fused>
        public typealias Narrow = DoubleVector2<Fused>
        public typealias Single = Lane<Double, Fused>
        @inlinable public static var registerCount: Int { 32 }
    }
}
