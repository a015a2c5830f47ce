/// A group of lanes the SIMD kernels load, multiply, add and store as one.
///
/// `SIMD` vectors conform, and so do `Float` and `Double` themselves (one lane), so
/// that one generic loop body serves the wide blocks, the narrow blocks and the tail.
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
    typealias Wide = SIMD32<Float>
    typealias Narrow = SIMD8<Float>
    typealias Single = Float
}

extension Double: KernelScalar, KernelVector {
    typealias Wide = SIMD16<Double>
    typealias Narrow = SIMD4<Double>
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

extension SIMD where Scalar: KernelScalar {
    static var laneCount: Int { scalarCount }
    @inline(__always) init(broadcasting value: Scalar) { self.init(repeating: value) }

    @inline(__always) init(loading pointer: UnsafePointer<Scalar>) {
        self = UnsafeRawPointer(pointer).loadUnaligned(as: Self.self)
    }

    @inline(__always) init(loading pointer: UnsafePointer<Scalar>, stride: Int) {
        self.init()
        for lane in 0..<scalarCount { self[lane] = pointer[lane * stride] }
    }

    @inline(__always) func store(to pointer: UnsafeMutablePointer<Scalar>) {
        UnsafeMutableRawPointer(pointer).storeBytes(of: self, as: Self.self)
    }

    @inline(__always) func laneSum() -> Scalar {
        var sum = self[0]
        for lane in 1..<scalarCount { sum += self[lane] }
        return sum
    }
}

extension SIMD32: KernelVector where Scalar: KernelScalar { typealias Element = Scalar }
extension SIMD16: KernelVector where Scalar: KernelScalar { typealias Element = Scalar }
extension SIMD8: KernelVector where Scalar: KernelScalar { typealias Element = Scalar }
extension SIMD4: KernelVector where Scalar: KernelScalar { typealias Element = Scalar }
