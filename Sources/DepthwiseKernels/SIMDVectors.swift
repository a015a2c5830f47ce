// The concrete vectors, one per scalar type and width (see `SIMDKernelVector`).

public struct FloatVector16<Rounding: MultiplyAddRounding>: SIMDKernelVector {
    public var storage: SIMD16<Float>
    @inlinable @inline(__always) public init(storage: SIMD16<Float>) { self.storage = storage }
    @inlinable @inline(__always) public init(broadcasting value: Float) { storage = SIMD16(repeating: value) }
    @inlinable @inline(__always) public static func + (a: Self, b: Self) -> Self { Self(storage: a.storage + b.storage) }
    @inlinable @inline(__always) public func multiplyAdd(_ a: Self, _ b: Self) -> Self {
        Self(storage: Rounding.isFused ? storage.addingProduct(a.storage, b.storage) : storage + a.storage * b.storage)
    }
    @inlinable @inline(__always) public func keepingLanes(below count: Int) -> Self {
        // All bits set in the lanes below count (lane - count is negative there), clear above.
        let lanes = SIMD16<Int32>(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
        let kept = (lanes &- SIMD16(repeating: Int32(max(0, min(count, 16))))) &>> 31
        let bits = unsafeBitCast(storage, to: SIMD16<UInt32>.self) & unsafeBitCast(kept, to: SIMD16<UInt32>.self)
        return Self(storage: unsafeBitCast(bits, to: Storage.self))
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
    @inlinable @inline(__always) public func keepingLanes(below count: Int) -> Self {
        // All bits set in the lanes below count (lane - count is negative there), clear above.
        let lanes = SIMD8<Int32>(0, 1, 2, 3, 4, 5, 6, 7)
        let kept = (lanes &- SIMD8(repeating: Int32(max(0, min(count, 8))))) &>> 31
        let bits = unsafeBitCast(storage, to: SIMD8<UInt32>.self) & unsafeBitCast(kept, to: SIMD8<UInt32>.self)
        return Self(storage: unsafeBitCast(bits, to: Storage.self))
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
    @inlinable @inline(__always) public func keepingLanes(below count: Int) -> Self {
        // All bits set in the lanes below count (lane - count is negative there), clear above.
        let lanes = SIMD4<Int32>(0, 1, 2, 3)
        let kept = (lanes &- SIMD4(repeating: Int32(max(0, min(count, 4))))) &>> 31
        let bits = unsafeBitCast(storage, to: SIMD4<UInt32>.self) & unsafeBitCast(kept, to: SIMD4<UInt32>.self)
        return Self(storage: unsafeBitCast(bits, to: Storage.self))
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
    @inlinable @inline(__always) public func keepingLanes(below count: Int) -> Self {
        // All bits set in the lanes below count (lane - count is negative there), clear above.
        let lanes = SIMD8<Int64>(0, 1, 2, 3, 4, 5, 6, 7)
        let kept = (lanes &- SIMD8(repeating: Int64(max(0, min(count, 8))))) &>> 63
        let bits = unsafeBitCast(storage, to: SIMD8<UInt64>.self) & unsafeBitCast(kept, to: SIMD8<UInt64>.self)
        return Self(storage: unsafeBitCast(bits, to: Storage.self))
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
    @inlinable @inline(__always) public func keepingLanes(below count: Int) -> Self {
        // All bits set in the lanes below count (lane - count is negative there), clear above.
        let lanes = SIMD4<Int64>(0, 1, 2, 3)
        let kept = (lanes &- SIMD4(repeating: Int64(max(0, min(count, 4))))) &>> 63
        let bits = unsafeBitCast(storage, to: SIMD4<UInt64>.self) & unsafeBitCast(kept, to: SIMD4<UInt64>.self)
        return Self(storage: unsafeBitCast(bits, to: Storage.self))
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
    @inlinable @inline(__always) public func keepingLanes(below count: Int) -> Self {
        // All bits set in the lanes below count (lane - count is negative there), clear above.
        let lanes = SIMD2<Int64>(0, 1)
        let kept = (lanes &- SIMD2(repeating: Int64(max(0, min(count, 2))))) &>> 63
        let bits = unsafeBitCast(storage, to: SIMD2<UInt64>.self) & unsafeBitCast(kept, to: SIMD2<UInt64>.self)
        return Self(storage: unsafeBitCast(bits, to: Storage.self))
    }
}
