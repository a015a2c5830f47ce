import DepthwiseConvolution
import DepthwiseLayers
import Testing

@Suite struct RegularizerConstraintTests {
    let weight = try! Tensor<Double>(shape: [2, 1, 1, 2], scalars: [3, -1, 4, 2])

    @Test func regularizersSumTheirPenalties() {
        #expect(Regularizer.l1(0.5).loss(weight) == 5)  // 0.5 * (3 + 1 + 4 + 2)
        #expect(Regularizer.l2(0.5).loss(weight) == 15)  // 0.5 * (9 + 1 + 16 + 4)
        #expect(Regularizer.l1l2(l1: 0.5, l2: 0.5).loss(weight) == 20)
        #expect(throws: DepthwiseError.self) { try Regularizer.l1(.nan).validate() }
    }

    /// Norms over axes [0, 1, 2] (each of the M filters) and over Keras's default axis 0 (filter height).
    @Test func normConstraintsTakeNormsOverTheirAxes() throws {
        // Filter 0 is (3, 4), norm 5; filter 1 is (-1, 2), norm √5.
        let perFilter = try Constraint.maxNorm(2, axes: [0, 1, 2]).applied(to: weight)
        let scale0 = 2 / (5 + 1e-7)
        let scale1 = 2 / (5.0.squareRoot() + 1e-7)
        let expected = [3 * scale0, -1 * scale1, 4 * scale0, 2 * scale1]
        #expect(zip(perFilter.scalars, expected).allSatisfy { abs($0 - $1) < 1e-15 })
        #expect(try Constraint.maxNorm(2).applied(to: weight) == perFilter)  // axis 0 alone spans the same pairs here
        let unit = try Constraint.unitNorm(axes: [-4]).applied(to: weight)
        #expect(abs(unit.scalars[0] * unit.scalars[0] + unit.scalars[2] * unit.scalars[2] - 1) < 1e-6)
        let loose = try Constraint.minMaxNorm(minimum: 0, maximum: 10, rate: 1, axes: [0]).applied(to: weight)
        #expect(zip(loose.scalars, weight.scalars).allSatisfy { abs($0 - $1) < 1e-6 })
        #expect(try Constraint.nonNegative.applied(to: weight).scalars == [3, 0, 4, 2])
    }

    @Test func axesOutsideTheWeightThrow() {
        #expect(throws: DepthwiseError.self) { try Constraint.unitNorm(axes: [4]).applied(to: weight) }
        #expect(throws: DepthwiseError.self) { try Constraint.maxNorm(axes: [-5]).applied(to: weight) }
    }
}
