// SPDX-License-Identifier: Apache-2.0

/// An unsigned integer of any size, for RSA and ECC: 64-bit limbs, least significant first, no trailing zero
/// limbs (zero has none).
///
/// Byte conversions are big-endian, as in TPM2B_PUBLIC_KEY_RSA, TPMS_ECC_POINT and PKCS #1 (I2OSP/OS2IP).
/// Arithmetic here is the schoolbook kind used a few times per key; the hot path (modular exponentiation
/// and field multiplication) lives in ``MontgomeryContext``. Nothing here runs in constant time.
struct BigNum: Sendable, Hashable {
    private(set) var limbs: [UInt64]

    init(limbs: [UInt64]) {
        self.limbs = limbs
        normalize()
    }

    init(_ value: UInt64) {
        limbs = value == 0 ? [] : [value]
    }

    /// OS2IP: the big-endian octet string as an integer (leading zeros allowed).
    init(bytes: some Collection<UInt8>) {
        let array = Array(bytes)
        var result = [UInt64](repeating: 0, count: (array.count + 7) / 8)
        for (offset, byte) in array.reversed().enumerated() {
            result[offset / 8] |= UInt64(byte) << UInt64((offset % 8) * 8)
        }
        self.init(limbs: result)
    }

    static let zero = BigNum(0)
    static let one = BigNum(1)

    var isZero: Bool { limbs.isEmpty }
    var isOdd: Bool { (limbs.first ?? 0) & 1 == 1 }

    /// The number of significant bits (0 for zero).
    var bitWidth: Int {
        guard let top = limbs.last else { return 0 }
        return limbs.count * 64 - top.leadingZeroBitCount
    }

    func bit(_ index: Int) -> Bool {
        let limb = index / 64
        return limb < limbs.count && (limbs[limb] >> UInt64(index % 64)) & 1 == 1
    }

    /// I2OSP: exactly `count` big-endian octets, or nil when the value does not fit.
    func bytes(count: Int) -> [UInt8]? {
        guard (bitWidth + 7) / 8 <= count else { return nil }
        var output = [UInt8](repeating: 0, count: count)
        for index in 0..<min(count, limbs.count * 8) {
            output[count - 1 - index] = UInt8(truncatingIfNeeded: limbs[index / 8] >> UInt64((index % 8) * 8))
        }
        return output
    }

    /// The minimal big-endian encoding (empty for zero).
    var bytes: [UInt8] {
        bytes(count: (bitWidth + 7) / 8) ?? []
    }

    private mutating func normalize() {
        while let last = limbs.last, last == 0 {
            limbs.removeLast()
        }
    }
}

// MARK: - Comparison

extension BigNum: Comparable {
    static func < (lhs: BigNum, rhs: BigNum) -> Bool {
        compare(lhs.limbs, rhs.limbs) < 0
    }

    /// -1, 0 or 1 for normalized limb arrays.
    static func compare(_ lhs: [UInt64], _ rhs: [UInt64]) -> Int {
        if lhs.count != rhs.count {
            return lhs.count < rhs.count ? -1 : 1
        }
        var index = lhs.count - 1
        while index >= 0 {
            if lhs[index] != rhs[index] {
                return lhs[index] < rhs[index] ? -1 : 1
            }
            index -= 1
        }
        return 0
    }
}

// MARK: - Addition, subtraction, multiplication, shifts

extension BigNum {
    static func + (lhs: BigNum, rhs: BigNum) -> BigNum {
        let (long, short) = lhs.limbs.count >= rhs.limbs.count ? (lhs.limbs, rhs.limbs) : (rhs.limbs, lhs.limbs)
        var result = long
        var carry: UInt64 = 0
        for index in 0..<result.count {
            let (sum1, overflow1) = result[index].addingReportingOverflow(index < short.count ? short[index] : 0)
            let (sum2, overflow2) = sum1.addingReportingOverflow(carry)
            result[index] = sum2
            carry = (overflow1 ? 1 : 0) + (overflow2 ? 1 : 0)
            if carry == 0, index >= short.count {
                break
            }
        }
        if carry != 0 {
            result.append(carry)
        }
        return BigNum(limbs: result)
    }

    /// `lhs - rhs`; the caller guarantees `lhs >= rhs`.
    static func - (lhs: BigNum, rhs: BigNum) -> BigNum {
        precondition(lhs >= rhs, "BigNum subtraction underflow")
        var result = lhs.limbs
        var borrow: UInt64 = 0
        for index in 0..<result.count {
            let (difference1, underflow1) = result[index].subtractingReportingOverflow(
                index < rhs.limbs.count ? rhs.limbs[index] : 0)
            let (difference2, underflow2) = difference1.subtractingReportingOverflow(borrow)
            result[index] = difference2
            borrow = (underflow1 ? 1 : 0) + (underflow2 ? 1 : 0)
            if borrow == 0, index >= rhs.limbs.count {
                break
            }
        }
        return BigNum(limbs: result)
    }

    static func * (lhs: BigNum, rhs: BigNum) -> BigNum {
        if lhs.isZero || rhs.isZero {
            return .zero
        }
        var result = [UInt64](repeating: 0, count: lhs.limbs.count + rhs.limbs.count)
        for i in 0..<lhs.limbs.count {
            var carry: UInt64 = 0
            let a = lhs.limbs[i]
            for j in 0..<rhs.limbs.count {
                let wide = UInt128(a) &* UInt128(rhs.limbs[j]) &+ UInt128(result[i + j]) &+ UInt128(carry)
                result[i + j] = UInt64(truncatingIfNeeded: wide)
                carry = UInt64(truncatingIfNeeded: wide >> 64)
            }
            result[i + rhs.limbs.count] = carry
        }
        return BigNum(limbs: result)
    }

    static func << (lhs: BigNum, shift: Int) -> BigNum {
        if lhs.isZero || shift == 0 {
            return lhs
        }
        let limbShift = shift / 64
        let bitShift = UInt64(shift % 64)
        var result = [UInt64](repeating: 0, count: lhs.limbs.count + limbShift + 1)
        for (index, limb) in lhs.limbs.enumerated() {
            result[index + limbShift] |= limb << bitShift
            if bitShift != 0 {
                result[index + limbShift + 1] = limb >> (64 - bitShift)
            }
        }
        return BigNum(limbs: result)
    }

    static func >> (lhs: BigNum, shift: Int) -> BigNum {
        let limbShift = shift / 64
        let bitShift = UInt64(shift % 64)
        guard limbShift < lhs.limbs.count else { return .zero }
        var result = [UInt64](repeating: 0, count: lhs.limbs.count - limbShift)
        for index in 0..<result.count {
            result[index] = lhs.limbs[index + limbShift] >> bitShift
            if bitShift != 0, index + limbShift + 1 < lhs.limbs.count {
                result[index] |= lhs.limbs[index + limbShift + 1] << (64 - bitShift)
            }
        }
        return BigNum(limbs: result)
    }
}

// MARK: - Division

extension BigNum {
    /// Quotient and remainder by shift-and-subtract, aligned on the top bits so the cost follows the size of
    /// the quotient: enough for the handful of divisions per key (q = n / p, reductions, inverses).
    func quotientAndRemainder(dividingBy divisor: BigNum) -> (quotient: BigNum, remainder: BigNum) {
        precondition(!divisor.isZero, "BigNum division by zero")
        if self < divisor {
            return (.zero, self)
        }
        if divisor.limbs.count == 1 {
            let (quotient, remainder) = quotientAndRemainder(dividingBy: divisor.limbs[0])
            return (quotient, BigNum(remainder))
        }
        let shift = bitWidth - divisor.bitWidth
        var remainder = self
        var shifted = divisor << shift
        var quotient = [UInt64](repeating: 0, count: shift / 64 + 1)
        var position = shift
        while position >= 0 {
            if remainder >= shifted {
                remainder = remainder - shifted
                quotient[position / 64] |= 1 << UInt64(position % 64)
            }
            shifted = shifted >> 1
            position -= 1
        }
        return (BigNum(limbs: quotient), remainder)
    }

    /// Division by one limb, a limb at a time (trial division by small primes).
    func quotientAndRemainder(dividingBy divisor: UInt64) -> (quotient: BigNum, remainder: UInt64) {
        precondition(divisor != 0, "BigNum division by zero")
        var quotient = [UInt64](repeating: 0, count: limbs.count)
        var remainder: UInt64 = 0
        var index = limbs.count - 1
        while index >= 0 {
            let (q, r) = divisor.dividingFullWidth((high: remainder, low: limbs[index]))
            quotient[index] = q
            remainder = r
            index -= 1
        }
        return (BigNum(limbs: quotient), remainder)
    }

    static func % (lhs: BigNum, rhs: BigNum) -> BigNum {
        lhs.quotientAndRemainder(dividingBy: rhs).remainder
    }

    static func / (lhs: BigNum, rhs: BigNum) -> BigNum {
        lhs.quotientAndRemainder(dividingBy: rhs).quotient
    }
}

// MARK: - Number theory

extension BigNum {
    static func gcd(_ a: BigNum, _ b: BigNum) -> BigNum {
        var (x, y) = (a, b)
        while !y.isZero {
            (x, y) = (y, x % y)
        }
        return x
    }

    /// The inverse of `self` modulo `modulus`, or nil when they share a factor. Extended Euclid, keeping the
    /// Bézout coefficient of `self` modulo `modulus` so that no negative numbers are needed.
    func inverse(modulo modulus: BigNum) -> BigNum? {
        guard modulus > .one else { return nil }
        var (oldR, r) = (self % modulus, modulus)
        var (oldS, s) = (BigNum.one, BigNum.zero)
        while !r.isZero {
            let (quotient, remainder) = oldR.quotientAndRemainder(dividingBy: r)
            (oldR, r) = (r, remainder)
            // newS = oldS - quotient * s  (mod modulus)
            let product = (quotient * s) % modulus
            let newS = oldS >= product ? oldS - product : modulus - (product - oldS)
            (oldS, s) = (s, newS)
        }
        guard oldR == .one else { return nil }
        return oldS % modulus
    }

    /// `self` to the power `exponent` modulo `modulus`; Montgomery for odd moduli, else square-and-multiply
    /// with division (only tests need that).
    func power(_ exponent: BigNum, modulus: BigNum) -> BigNum {
        if modulus.isOdd {
            return MontgomeryContext(modulus: modulus).power(self, exponent)
        }
        var result = BigNum.one % modulus
        var base = self % modulus
        for index in 0..<exponent.bitWidth {
            if exponent.bit(index) {
                result = (result * base) % modulus
            }
            base = (base * base) % modulus
        }
        return result
    }
}
