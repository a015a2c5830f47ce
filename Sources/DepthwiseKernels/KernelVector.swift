/// A group of lanes the SIMD kernels load, multiply, add and store as one.
///
/// One generic loop body serves the wide blocks, the register-sized blocks, the narrow
/// blocks and the one-lane tail. Every sum is written as `sum.multiplyAdd(a, b)`; the
/// vector's ``MultiplyAddRounding`` decides whether that is one fused instruction or a
/// rounded product followed by a sum.
public protocol KernelVector {
    associatedtype Element: KernelScalar
    static var laneCount: Int { get }
    init(broadcasting value: Element)
    /// Loads `laneCount` consecutive elements.
    init(loading pointer: UnsafePointer<Element>)
    /// Loads `laneCount` consecutive 16-bit values of format `H`, each widened exactly.
    init<H: HalfFormat>(widening pointer: UnsafePointer<UInt16>, _ format: H.Type)
    /// Loads `laneCount` elements `stride` apart.
    init(loading pointer: UnsafePointer<Element>, stride: Int)
    /// The lanes of `self`, then of `high`, split: lanes 0, 2, 4, ... into `even`, lanes
    /// 1, 3, 5, ... into `odd` (the inverse of `interleaved(with:)`).
    func deinterleaved(with high: Self) -> (even: Self, odd: Self)
    /// Lane i = pointer[i / m]: each element `m` times. Reads only the elements the lanes take.
    init(loadingRepeating pointer: UnsafePointer<Element>, times m: Int)
    func store(to pointer: UnsafeMutablePointer<Element>)
    /// Lanes `count` and above set to zero, the others kept.
    func keepingLanes(below count: Int) -> Self
    /// Stores the lanes rounded to `laneCount` 16-bit values of format `H`.
    func store<H: HalfFormat>(narrowingTo pointer: UnsafeMutablePointer<UInt16>, _ format: H.Type)
    /// The lanes of `self` and `other` alternating, self[0], other[0], self[1], other[1], ...,
    /// filling `low`, then `high`.
    func interleaved(with other: Self) -> (low: Self, high: Self)
    /// The sum of the lanes, added from the first to the last.
    func laneSum() -> Element
    /// The value of lane `i`.
    func lane(_ i: Int) -> Element
    /// Stores the sum of each `m` neighbouring lanes (lanes i*m ..< i*m + m, added in order) into
    /// `laneCount / m` consecutive elements, for an `m` that divides `laneCount`.
    func store(summingGroupsOf m: Int, to pointer: UnsafeMutablePointer<Element>)
    /// self + a * b, lane by lane.
    func multiplyAdd(_ a: Self, _ b: Self) -> Self
    static func + (lhs: Self, rhs: Self) -> Self
}

extension KernelVector {
    /// Loads `2 * laneCount` consecutive elements and splits them: pointer[0], pointer[2], ...
    /// into `even`, pointer[1], pointer[3], ... into `odd`.
    @inlinable @inline(__always)
    public static func deinterleaving(_ pointer: UnsafePointer<Element>) -> (even: Self, odd: Self) {
        Self(loading: pointer).deinterleaved(with: Self(loading: pointer + laneCount))
    }
}

/// A scalar type the SIMD kernels compute in.
public protocol KernelScalar: BinaryFloatingPoint, SIMDScalar, Codable {}
extension Float: KernelScalar {}
extension Double: KernelScalar {}

/// How `multiplyAdd` rounds: once (a fused multiply-add, on paths whose CPUs have one)
/// or twice (a product and a sum, which every CPU computes to the same bits).
public protocol MultiplyAddRounding {
    static var isFused: Bool { get }
}

/// One rounding: `a * b + c` as a single fused instruction.
public enum Fused: MultiplyAddRounding {
    @inlinable public static var isFused: Bool { true }
}

/// Two roundings: the product, then the sum.
public enum Separate: MultiplyAddRounding {
    @inlinable public static var isFused: Bool { false }
}

/// One lane: a scalar, for the tail of a channel or column range.
public struct Lane<Element: KernelScalar, Rounding: MultiplyAddRounding>: KernelVector {
    @usableFromInline var value: Element
    @inlinable @inline(__always) init(value: Element) { self.value = value }
    @inlinable public static var laneCount: Int { 1 }
    @inlinable @inline(__always) public init(broadcasting value: Element) { self.value = value }
    @inlinable @inline(__always) public init(loading pointer: UnsafePointer<Element>) { value = pointer.pointee }
    @inlinable @inline(__always) public init(loading pointer: UnsafePointer<Element>, stride: Int) { value = pointer.pointee }
    @inlinable @inline(__always) public init<H: HalfFormat>(widening pointer: UnsafePointer<UInt16>, _ format: H.Type) {
        value = Element(H.widen(pointer.pointee))
    }
    @inlinable @inline(__always) public func deinterleaved(with high: Self) -> (even: Self, odd: Self) { (self, high) }
    @inlinable @inline(__always) public init(loadingRepeating pointer: UnsafePointer<Element>, times m: Int) {
        value = pointer.pointee
    }
    @inlinable @inline(__always) public func store(to pointer: UnsafeMutablePointer<Element>) { pointer.pointee = value }
    @inlinable @inline(__always) public func keepingLanes(below count: Int) -> Self { count > 0 ? self : Self(value: 0) }
    @inlinable @inline(__always) public func store<H: HalfFormat>(narrowingTo pointer: UnsafeMutablePointer<UInt16>, _ format: H.Type) {
        pointer.pointee = H.narrow(Float(value))
    }
    @inlinable @inline(__always) public func interleaved(with other: Self) -> (low: Self, high: Self) { (self, other) }
    @inlinable @inline(__always) public func laneSum() -> Element { value }
    @inlinable @inline(__always) public func lane(_ i: Int) -> Element { value }
    @inlinable @inline(__always) public func store(summingGroupsOf m: Int, to pointer: UnsafeMutablePointer<Element>) {
        pointer.pointee = value
    }
    @inlinable @inline(__always) public func multiplyAdd(_ a: Self, _ b: Self) -> Self {
        Self(value: Rounding.isFused ? value.addingProduct(a.value, b.value) : value + a.value * b.value)
    }
    @inlinable @inline(__always) public static func + (a: Self, b: Self) -> Self { Self(value: a.value + b.value) }
}

/// A kernel vector stored as a standard library SIMD vector.
///
/// Arithmetic and broadcasting are written in each concrete type: in generic code, `SIMD`'s
/// `+`, `*` and `init(repeating:)` resolve to lane-by-lane fallbacks instead of vector instructions.
/// The widths are those the standard library compiles to vector instructions (not SIMD32).
public protocol SIMDKernelVector: KernelVector {
    associatedtype Storage: SIMD where Storage.Scalar == Element
    var storage: Storage { get }
    init(storage: Storage)
}

extension SIMDKernelVector {
    @inlinable public static var laneCount: Int { Storage.scalarCount }

    @inlinable @inline(__always) public init(loading pointer: UnsafePointer<Element>) {
        self.init(storage: UnsafeRawPointer(pointer).loadUnaligned(as: Storage.self))
    }

    @inlinable @inline(__always) public init<H: HalfFormat>(widening pointer: UnsafePointer<UInt16>, _ format: H.Type) {
        var storage = Storage()
        for lane in 0..<Storage.scalarCount { storage[lane] = Element(H.widen(pointer[lane])) }
        self.init(storage: storage)
    }

    @inlinable @inline(__always) public init(loading pointer: UnsafePointer<Element>, stride: Int) {
        var storage = Storage()
        for lane in 0..<Storage.scalarCount { storage[lane] = pointer[lane * stride] }
        self.init(storage: storage)
    }

    /// Lane moves, which the compiler turns into shuffles.
    @inlinable @inline(__always) public func deinterleaved(with other: Self) -> (even: Self, odd: Self) {
        let (low, high) = (storage, other.storage)
        let half = Storage.scalarCount / 2
        var (even, odd) = (Storage(), Storage())
        for lane in 0..<half {
            (even[lane], odd[lane]) = (low[2 * lane], low[2 * lane + 1])
            (even[half + lane], odd[half + lane]) = (high[2 * lane], high[2 * lane + 1])
        }
        return (Self(storage: even), Self(storage: odd))
    }

    /// A load of the `laneCount / m` elements and lane moves: shuffles where `m` is a constant.
    @inlinable @inline(__always) public init(loadingRepeating pointer: UnsafePointer<Element>, times m: Int) {
        switch (Storage.scalarCount + m - 1) / m {
        case 8: self.init(repeating: UnsafeRawPointer(pointer).loadUnaligned(as: SIMD8<Element>.self), times: m)
        case 4: self.init(repeating: UnsafeRawPointer(pointer).loadUnaligned(as: SIMD4<Element>.self), times: m)
        case 2: self.init(repeating: UnsafeRawPointer(pointer).loadUnaligned(as: SIMD2<Element>.self), times: m)
        default:
            var storage = Storage()
            for lane in 0..<Storage.scalarCount { storage[lane] = pointer[lane / m] }
            self.init(storage: storage)
        }
    }

    /// Lane i = source[i / m].
    @inlinable @inline(__always) init<S: SIMD>(repeating source: S, times m: Int) where S.Scalar == Element {
        var storage = Storage()
        for lane in 0..<Storage.scalarCount { storage[lane] = source[lane / m] }
        self.init(storage: storage)
    }

    @inlinable @inline(__always) public func store(to pointer: UnsafeMutablePointer<Element>) {
        UnsafeMutableRawPointer(pointer).storeBytes(of: storage, as: Storage.self)
    }

    @inlinable @inline(__always)
    public func store<H: HalfFormat>(narrowingTo pointer: UnsafeMutablePointer<UInt16>, _ format: H.Type) {
        H.store(narrowing: storage, to: pointer)
    }

    /// Lane moves, which the compiler turns into shuffles.
    @inlinable @inline(__always) public func interleaved(with other: Self) -> (low: Self, high: Self) {
        let half = Storage.scalarCount / 2
        var (low, high) = (Storage(), Storage())
        for lane in 0..<half {
            (low[2 * lane], low[2 * lane + 1]) = (storage[lane], other.storage[lane])
            (high[2 * lane], high[2 * lane + 1]) = (storage[half + lane], other.storage[half + lane])
        }
        return (Self(storage: low), Self(storage: high))
    }

    @inlinable @inline(__always) public func laneSum() -> Element {
        var sum = storage[0]
        for lane in 1..<Storage.scalarCount { sum += storage[lane] }
        return sum
    }

    @inlinable @inline(__always) public func lane(_ i: Int) -> Element { storage[i] }

    /// Lane moves and vector sums where `m` is a constant, and a store of `laneCount / m` lanes.
    @inlinable @inline(__always) public func store(summingGroupsOf m: Int, to pointer: UnsafeMutablePointer<Element>) {
        let target = UnsafeMutableRawPointer(pointer)
        switch Storage.scalarCount / m {
        case 8: target.storeBytes(of: sums(ofGroupsOf: m, SIMD8<Element>.self), as: SIMD8<Element>.self)
        case 4: target.storeBytes(of: sums(ofGroupsOf: m, SIMD4<Element>.self), as: SIMD4<Element>.self)
        case 2: target.storeBytes(of: sums(ofGroupsOf: m, SIMD2<Element>.self), as: SIMD2<Element>.self)
        default:
            for i in 0..<Storage.scalarCount / m {
                pointer[i] = (1..<m).reduce(storage[i * m]) { sum, q in sum + storage[i * m + q] }
            }
        }
    }

    /// Lane i = the sum of lanes i*m ..< i*m + m of `self`, added in order.
    @inlinable @inline(__always) func sums<S: SIMD>(ofGroupsOf m: Int, _: S.Type) -> S where S.Scalar == Element {
        var sums = S()
        for i in 0..<S.scalarCount {
            var sum = storage[i * m]
            for q in 1..<m { sum += storage[i * m + q] }
            sums[i] = sum
        }
        return sums
    }
}
