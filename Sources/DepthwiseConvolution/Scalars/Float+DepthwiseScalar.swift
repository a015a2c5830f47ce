extension Float: DepthwiseScalar {
    public static var scalarType: ScalarType { .float32 }
    public var doubleValue: Double { Double(self) }
}
