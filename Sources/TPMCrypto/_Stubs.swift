// TEMPORARY: stubs of the crypto API being written on branch `crypto`; never committed.
import TPMWire

public struct RSAPrivateKey: Sendable {
    public var modulus: [UInt8]; public var prime: [UInt8]
    public init(modulus: [UInt8], prime: [UInt8], exponent: UInt32) throws(TPMRC) { fatalError() }
    public static func generate(bits: Int, exponent: UInt32, random: (Int) -> [UInt8]) throws(TPMRC) -> RSAPrivateKey { fatalError() }
    public var publicKey: RSAPublicKey { fatalError() }
}
public struct RSAPublicKey: Sendable {
    public init(modulus: [UInt8], exponent: UInt32) throws(TPMRC) { fatalError() }
}
public final class RSAPrimePool: Sendable {
    public static let shared = RSAPrimePool()
    public func takeKey(bits: Int, exponent: UInt32) -> RSAPrivateKey? { nil }
}
