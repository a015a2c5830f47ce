// The concrete vectors, one per scalar type and width (see `SIMDKernelVector`).

public struct FloatVector16<Rounding: MultiplyAddRounding>: SIMDKernelVector {
    public var storage: SIMD16<Float>
    @inlinable @inline(__always) public init(storage: SIMD16<Float>) { self.storage = storage }
    @inlinable @inline(__always) public init(broadcasting value: Float) { storage = SIMD16(repeating: value) }
    @inlinable @inline(__always) public static func + (a: Self, b: Self) -> Self { Self(storage: a.storage + b.storage) }
    @inlinable @inline(__always) public func multiplyAdd(_ a: Self, _ b: Self) -> Self {
        Self(storage: Rounding.isFused ? storage.addingProduct(a.storage, b.storage) : storage + a.storage * b.storage)
    }
}

public struct FloatVector8<Rounding: MultiplyAddRounding>: SIMDKernelVector {
    public var storage: SIMD8<Float>
    @inlinable @inline(__always) public init(storage: SIMD8<Float>) { self.storage = storage }
    @inlinable @inline(__always) public init(broadcasting value: Float) { storage = SIMD8(repeating: value) }
    @inlinable @inline(__always) public static func + (a: Self, b: Self) -> Self { Self(storage: a.storage + b.storage) }
    @inlinable @inline(__always) public func multiplyAdd(_ a: Self, _ b: Self) -> Self {
        Self(storage: Rounding.isFused ? storage.addingProduct(a.storage, b.storage) : storage + a.storage * b.storage)
    }
}

public struct FloatVector4<Rounding: MultiplyAddRounding>: SIMDKernelVector {
    public var storage: SIMD4<Float>
    @inlinable @inline(__always) public init(storage: SIMD4<Float>) { self.storage = storage }
    @inlinable @inline(__always) public init(broadcasting value: Float) { storage = SIMD4(repeating: value) }
    @inlinable @inline(__always) public static func + (a: Self, b: Self) -> Self { Self(storage: a.storage + b.storage) }
    @inlinable @inline(__always) public func multiplyAdd(_ a: Self, _ b: Self) -> Self {
        Self(storage: Rounding.isFused ? storage.addingProduct(a.storage, b.storage) : storage + a.storage * b.storage)
    }
}

public struct DoubleVector8<Rounding: MultiplyAddRounding>: SIMDKernelVector {
    public var storage: SIMD8<Double>
    @inlinable @inline(__always) public init(storage: SIMD8<Double>) { self.storage = storage }
    @inlinable @inline(__always) public init(broadcasting value: Double) { storage = SIMD8(repeating: value) }
    @inlinable @inline(__always) public static func + (a: Self, b: Self) -> Self { Self(storage: a.storage + b.storage) }
    @inlinable @inline(__always) public func multiplyAdd(_ a: Self, _ b: Self) -> Self {
        Self(storage: Rounding.isFused ? storage.addingProduct(a.storage, b.storage) : storage + a.storage * b.storage)
    }
}

public struct DoubleVector4<Rounding: MultiplyAddRounding>: SIMDKernelVector {
    public var storage: SIMD4<Double>
    @inlinable @inline(__always) public init(storage: SIMD4<Double>) { self.storage = storage }
    @inlinable @inline(__always) public init(broadcasting value: Double) { storage = SIMD4(repeating: value) }
    @inlinable @inline(__always) public static func + (a: Self, b: Self) -> Self { Self(storage: a.storage + b.storage) }
    @inlinable @inline(__always) public func multiplyAdd(_ a: Self, _ b: Self) -> Self {
        Self(storage: Rounding.isFused ? storage.addingProduct(a.storage, b.storage) : storage + a.storage * b.storage)
    }
}

public struct DoubleVector2<Rounding: MultiplyAddRounding>: SIMDKernelVector {
    public var storage: SIMD2<Double>
    @inlinable @inline(__always) public init(storage: SIMD2<Double>) { self.storage = storage }
    @inlinable @inline(__always) public init(broadcasting value: Double) { storage = SIMD2(repeating: value) }
    @inlinable @inline(__always) public static func + (a: Self, b: Self) -> Self { Self(storage: a.storage + b.storage) }
    @inlinable @inline(__always) public func multiplyAdd(_ a: Self, _ b: Self) -> Self {
        Self(storage: Rounding.isFused ? storage.addingProduct(a.storage, b.storage) : storage + a.storage * b.storage)
    }
}
