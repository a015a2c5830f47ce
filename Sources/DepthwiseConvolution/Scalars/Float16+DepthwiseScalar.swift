extension Float16: DepthwiseScalar {
    public static var scalarType: ScalarType { .float16 }
    public var doubleValue: Double { Double(self) }
}
