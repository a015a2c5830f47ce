extension Double: DepthwiseScalar {
    public static var scalarType: ScalarType { .float64 }
    public var doubleValue: Double { self }
}
