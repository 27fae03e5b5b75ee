// SPDX-License-Identifier: Apache-2.0

/// Montgomery arithmetic modulo an odd number: modular exponentiation for RSA and Miller–Rabin, and field
/// multiplication for the ECC curves.
///
/// Values in Montgomery form are fixed-width limb arrays (`limbCount` limbs, least significant first) equal to
/// x·R mod m with R = 2^(64·limbCount). Multiplication is CIOS (coarsely integrated operand scanning).
///
/// Measured against attaswift/BigInt 6.0.1 (release build on the shared 2-core machine, docs/performance.md):
/// a 1024-bit modular exponentiation with a full 1024-bit exponent takes about 1.5 ms here and about 19 ms with
/// attaswift's `power(_:modulus:)`, so the project keeps its own code and takes no bignum dependency.
struct MontgomeryContext: Sendable {
    let modulus: BigNum
    let modulusLimbs: [UInt64]
    let limbCount: Int
    /// −m⁻¹ mod 2⁶⁴.
    let inverseLow: UInt64
    /// R² mod m, to enter Montgomery form with one multiplication.
    let rSquared: [UInt64]
    /// R mod m: one in Montgomery form.
    let one: [UInt64]

    init(modulus: BigNum) {
        precondition(modulus.isOdd, "Montgomery needs an odd modulus")
        self.modulus = modulus
        limbCount = modulus.limbs.count
        modulusLimbs = modulus.limbs
        // Newton's iteration for m⁻¹ mod 2⁶⁴: each step doubles the number of correct low bits.
        let low = modulus.limbs[0]
        var inverse: UInt64 = 1
        for _ in 0..<7 {
            inverse = inverse &* (2 &- low &* inverse)
        }
        inverseLow = 0 &- inverse
        let r = (BigNum.one << (64 * limbCount)) % modulus
        one = Self.padded(r, limbCount)
        rSquared = Self.padded((r * r) % modulus, limbCount)
    }

    static func padded(_ value: BigNum, _ count: Int) -> [UInt64] {
        value.limbs + [UInt64](repeating: 0, count: count - value.limbs.count)
    }

    /// x·R mod m for x < m (larger x are reduced first).
    func enter(_ value: BigNum) -> [UInt64] {
        let reduced = value < modulus ? value : value % modulus
        return multiply(Self.padded(reduced, limbCount), rSquared)
    }

    /// The ordinary value of a Montgomery-form number.
    func leave(_ value: [UInt64]) -> BigNum {
        var unit = [UInt64](repeating: 0, count: limbCount)
        unit[0] = 1
        return BigNum(limbs: multiply(value, unit))
    }

    /// a·b·R⁻¹ mod m (CIOS). Both inputs and the result are fully reduced.
    ///
    /// The limb products are accumulated in `UInt128`: a·b + t + carry always fits, and the compiler turns it
    /// into mul/add/adc. Tracking carries with `addingReportingOverflow` compiled to data-dependent branches and
    /// made this loop twice as slow.
    func multiply(_ a: [UInt64], _ b: [UInt64]) -> [UInt64] {
        let n = limbCount
        var t = [UInt64](repeating: 0, count: n + 2)
        for i in 0..<n {
            let bi = b[i]
            var carry: UInt64 = 0
            for j in 0..<n {
                let wide = UInt128(a[j]) &* UInt128(bi) &+ UInt128(t[j]) &+ UInt128(carry)
                t[j] = UInt64(truncatingIfNeeded: wide)
                carry = UInt64(truncatingIfNeeded: wide >> 64)
            }
            let (top, topOverflow) = t[n].addingReportingOverflow(carry)
            t[n] = top
            t[n + 1] = topOverflow ? 1 : 0

            let factor = t[0] &* inverseLow
            let (high0, low0) = factor.multipliedFullWidth(by: modulusLimbs[0])
            let (_, overflow0) = low0.addingReportingOverflow(t[0])
            carry = high0 &+ (overflow0 ? 1 : 0)
            for j in 1..<max(n, 1) {
                let wide = UInt128(factor) &* UInt128(modulusLimbs[j]) &+ UInt128(t[j]) &+ UInt128(carry)
                t[j - 1] = UInt64(truncatingIfNeeded: wide)
                carry = UInt64(truncatingIfNeeded: wide >> 64)
            }
            let (sum, overflow) = t[n].addingReportingOverflow(carry)
            t[n - 1] = sum
            t[n] = t[n + 1] &+ (overflow ? 1 : 0)
        }
        return reduceOnce(t)
    }

    /// t − m when t ≥ m, where t has n + 2 limbs and is below 2m.
    private func reduceOnce(_ t: [UInt64]) -> [UInt64] {
        let n = limbCount
        var needsSubtraction = t[n] != 0
        if !needsSubtraction {
            needsSubtraction = true
            var index = n - 1
            while index >= 0 {
                if t[index] != modulusLimbs[index] {
                    needsSubtraction = t[index] > modulusLimbs[index]
                    break
                }
                index -= 1
            }
        }
        var result = Array(t[0..<n])
        if needsSubtraction {
            var borrow = false
            for index in 0..<n {
                let (difference1, underflow1) = result[index].subtractingReportingOverflow(modulusLimbs[index])
                let (difference2, underflow2) = difference1.subtractingReportingOverflow(borrow ? 1 : 0)
                result[index] = difference2
                borrow = underflow1 || underflow2
            }
        }
        return result
    }

    /// (a + b) mod m for reduced Montgomery-form (or ordinary) values.
    func add(_ a: [UInt64], _ b: [UInt64]) -> [UInt64] {
        var sum = [UInt64](repeating: 0, count: limbCount + 2)
        var carry = false
        for index in 0..<limbCount {
            let (sum1, overflow1) = a[index].addingReportingOverflow(b[index])
            let (sum2, overflow2) = sum1.addingReportingOverflow(carry ? 1 : 0)
            sum[index] = sum2
            carry = overflow1 || overflow2
        }
        sum[limbCount] = carry ? 1 : 0
        return reduceOnce(sum)
    }

    /// (a − b) mod m for reduced values.
    func subtract(_ a: [UInt64], _ b: [UInt64]) -> [UInt64] {
        var result = a
        var borrow = false
        for index in 0..<limbCount {
            let (difference1, underflow1) = result[index].subtractingReportingOverflow(b[index])
            let (difference2, underflow2) = difference1.subtractingReportingOverflow(borrow ? 1 : 0)
            result[index] = difference2
            borrow = underflow1 || underflow2
        }
        if borrow {
            var carry = false
            for index in 0..<limbCount {
                let (sum1, overflow1) = result[index].addingReportingOverflow(modulusLimbs[index])
                let (sum2, overflow2) = sum1.addingReportingOverflow(carry ? 1 : 0)
                result[index] = sum2
                carry = overflow1 || overflow2
            }
        }
        return result
    }

    /// base^exponent mod m with a fixed 4-bit window (16 precomputed powers).
    func power(_ base: BigNum, _ exponent: BigNum) -> BigNum {
        leave(powerMontgomery(enter(base), exponent))
    }

    /// The same, on a Montgomery-form base, with a Montgomery-form result.
    func powerMontgomery(_ base: [UInt64], _ exponent: BigNum) -> [UInt64] {
        var table = [one, base]
        for index in 2..<16 {
            table.append(multiply(table[index - 1], base))
        }
        var result = one
        let windows = (exponent.bitWidth + 3) / 4
        var window = windows - 1
        while window >= 0 {
            for _ in 0..<4 {
                result = multiply(result, result)
            }
            let limb = exponent.limbs[(window * 4) / 64]
            let digit = Int((limb >> UInt64((window * 4) % 64)) & 0xF)
            if digit != 0 {
                result = multiply(result, table[digit])
            }
            window -= 1
        }
        return result
    }
}
