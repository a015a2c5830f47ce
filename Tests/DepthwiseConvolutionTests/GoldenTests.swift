import DepthwiseConvolution
import GoldenFixtures
import NumPyFormat
import Testing

/// Every forward and gradient case of the golden set (TensorFlow 2.21, see Tests/GoldenFixtures/golden/PROVENANCE.md),
/// through the Swift API, on every kernel path.
@Suite struct GoldenTests {
    static let valueCases = GoldenFixtures.convolutionCases.filter { !$0.isErrorCase }
    static let errorCases = GoldenFixtures.convolutionCases.filter(\.isErrorCase)

    @Test(arguments: valueCases, ExecutionOptions.Kernels.allCases.filter(\.isAvailable))
    func matchesTensorFlow(_ golden: GoldenCase, kernels: ExecutionOptions.Kernels) throws {
        let result = try golden.run(execution: ExecutionOptions(kernels: kernels))
        let mismatches = try golden.mismatches(in: result)
        #expect(mismatches.isEmpty, "\(golden.id): \(mismatches.prefix(3))")
    }

    @Test(arguments: errorCases)
    func rejectsOrShapesAsSpecified(_ golden: GoldenCase) throws {
        if golden.expect == "error" {
            #expect(throws: DepthwiseError.self, "\(golden.id)") { try golden.run() }
        } else {
            let result = try golden.run()
            #expect(result.shape == golden.expectedShape)
        }
    }

    /// Half types accumulate in Float and round once, so they land closer to the float64 result than TensorFlow.
    @Test(arguments: ["float16", "bfloat16"])
    func halfPrecisionIsCloserToExactThanTensorFlow(dtype: String) throws {
        var (ours, tensorFlow) = (0.0, 0.0)
        for golden in Self.valueCases where golden.dtype == dtype {
            let errors = try golden.errorsFromExact(of: golden.run())
            ours += errors.ours
            tensorFlow += errors.tensorFlow
        }
        #expect(ours <= tensorFlow, "summed max error: ours \(ours), TensorFlow \(tensorFlow)")
    }
}
