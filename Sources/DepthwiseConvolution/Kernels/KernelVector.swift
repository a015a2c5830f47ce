/// A group of lanes the SIMD kernels load, multiply, add and store as one.
///
/// Wrappers of standard library SIMD vectors conform, and so do `Float` and `Double` themselves
/// (one lane), so that one generic loop body serves the wide blocks, the narrow blocks and the tail.
/// Products and sums are separate operations (no fused multiply-add), so that the
/// portable path needs no FMA instruction and gives the same bits on every x86-64.
protocol KernelVector {
    associatedtype Element: KernelScalar
    static var laneCount: Int { get }
    init(broadcasting value: Element)
    /// Loads `laneCount` consecutive elements.
    init(loading pointer: UnsafePointer<Element>)
    /// Loads `laneCount` elements `stride` apart.
    init(loading pointer: UnsafePointer<Element>, stride: Int)
    func store(to pointer: UnsafeMutablePointer<Element>)
    /// The sum of the lanes, added from the first to the last.
    func laneSum() -> Element
    static func + (lhs: Self, rhs: Self) -> Self
    static func * (lhs: Self, rhs: Self) -> Self
}

/// A scalar type the SIMD kernels compute in, with the vector widths they use.
protocol KernelScalar: BinaryFloatingPoint, SIMDScalar, Codable {
    /// The widest block: several registers, so that independent sums hide the add latency.
    associatedtype Wide: KernelVector where Wide.Element == Self
    /// One or two registers, for channel counts between the wide blocks and the tail.
    associatedtype Narrow: KernelVector where Narrow.Element == Self
    /// One lane: the scalar itself, for the tail.
    associatedtype Single: KernelVector where Single.Element == Self
}

extension Float: KernelScalar, KernelVector {
    typealias Wide = FloatVector16
    typealias Narrow = FloatVector4
    typealias Single = Float
}

extension Double: KernelScalar, KernelVector {
    typealias Wide = DoubleVector8
    typealias Narrow = DoubleVector2
    typealias Single = Double
}

extension KernelVector where Self: KernelScalar, Element == Self {
    static var laneCount: Int { 1 }
    @inline(__always) init(broadcasting value: Self) { self = value }
    @inline(__always) init(loading pointer: UnsafePointer<Self>) { self = pointer.pointee }
    @inline(__always) init(loading pointer: UnsafePointer<Self>, stride: Int) { self = pointer.pointee }
    @inline(__always) func store(to pointer: UnsafeMutablePointer<Self>) { pointer.pointee = self }
    @inline(__always) func laneSum() -> Self { self }
}

/// A kernel vector stored as a standard library SIMD vector.
///
/// Arithmetic and broadcasting are written in each concrete type: in generic code, `SIMD`'s
/// `+`, `*` and `init(repeating:)` resolve to lane-by-lane fallbacks instead of vector instructions.
/// The widths are those the standard library compiles to vector instructions (not SIMD32).
protocol SIMDKernelVector: KernelVector {
    associatedtype Storage: SIMD where Storage.Scalar == Element
    var storage: Storage { get }
    init(storage: Storage)
}

extension SIMDKernelVector {
    static var laneCount: Int { Storage.scalarCount }

    @inline(__always) init(loading pointer: UnsafePointer<Element>) {
        self.init(storage: UnsafeRawPointer(pointer).loadUnaligned(as: Storage.self))
    }

    @inline(__always) init(loading pointer: UnsafePointer<Element>, stride: Int) {
        var storage = Storage()
        for lane in 0..<Storage.scalarCount { storage[lane] = pointer[lane * stride] }
        self.init(storage: storage)
    }

    @inline(__always) func store(to pointer: UnsafeMutablePointer<Element>) {
        UnsafeMutableRawPointer(pointer).storeBytes(of: storage, as: Storage.self)
    }

    @inline(__always) func laneSum() -> Element {
        var sum = storage[0]
        for lane in 1..<Storage.scalarCount { sum += storage[lane] }
        return sum
    }
}

struct FloatVector16: SIMDKernelVector {
    var storage: SIMD16<Float>
    @inline(__always) init(storage: SIMD16<Float>) { self.storage = storage }
    @inline(__always) init(broadcasting value: Float) { storage = SIMD16(repeating: value) }
    @inline(__always) static func + (a: Self, b: Self) -> Self { Self(storage: a.storage + b.storage) }
    @inline(__always) static func * (a: Self, b: Self) -> Self { Self(storage: a.storage * b.storage) }
}

struct FloatVector4: SIMDKernelVector {
    var storage: SIMD4<Float>
    @inline(__always) init(storage: SIMD4<Float>) { self.storage = storage }
    @inline(__always) init(broadcasting value: Float) { storage = SIMD4(repeating: value) }
    @inline(__always) static func + (a: Self, b: Self) -> Self { Self(storage: a.storage + b.storage) }
    @inline(__always) static func * (a: Self, b: Self) -> Self { Self(storage: a.storage * b.storage) }
}

struct DoubleVector8: SIMDKernelVector {
    var storage: SIMD8<Double>
    @inline(__always) init(storage: SIMD8<Double>) { self.storage = storage }
    @inline(__always) init(broadcasting value: Double) { storage = SIMD8(repeating: value) }
    @inline(__always) static func + (a: Self, b: Self) -> Self { Self(storage: a.storage + b.storage) }
    @inline(__always) static func * (a: Self, b: Self) -> Self { Self(storage: a.storage * b.storage) }
}

struct DoubleVector2: SIMDKernelVector {
    var storage: SIMD2<Double>
    @inline(__always) init(storage: SIMD2<Double>) { self.storage = storage }
    @inline(__always) init(broadcasting value: Double) { storage = SIMD2(repeating: value) }
    @inline(__always) static func + (a: Self, b: Self) -> Self { Self(storage: a.storage + b.storage) }
    @inline(__always) static func * (a: Self, b: Self) -> Self { Self(storage: a.storage * b.storage) }
}
