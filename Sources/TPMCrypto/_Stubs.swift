// TEMPORARY: stubs of the crypto API being written on branch `crypto`; never committed.
import TPMWire

public enum ECCCurve: Sendable {
    case p256, p384, p521
    public init?(tpmCurveID: UInt16) { switch tpmCurveID { case 3: self = .p256; case 4: self = .p384; case 5: self = .p521; default: return nil } }
    public var keySize: Int { switch self { case .p256: 32; case .p384: 48; case .p521: 66 } }
}
public struct ECCPoint: Sendable, Hashable { public var x: [UInt8]; public var y: [UInt8]; public init(x: [UInt8], y: [UInt8]) { self.x = x; self.y = y } }
public struct ECCPrivateKey: Sendable {
    public let curve: ECCCurve; public let scalar: [UInt8]; public let publicPoint: ECCPoint
    public init(curve: ECCCurve, scalar: [UInt8]) throws(TPMRC) { fatalError() }
    public static func derive(curve: ECCCurve, random: (Int) -> [UInt8]) -> ECCPrivateKey { fatalError() }
    public var publicKey: ECCPublicKey { fatalError() }
    public func sign(digest: [UInt8]) throws(TPMRC) -> (r: [UInt8], s: [UInt8]) { fatalError() }
    public func sharedPoint(with peer: ECCPoint) throws(TPMRC) -> ECCPoint { fatalError() }
}
public struct ECCPublicKey: Sendable {
    public init(curve: ECCCurve, point: ECCPoint) throws(TPMRC) { fatalError() }
    public func verify(digest: [UInt8], r: [UInt8], s: [UInt8]) -> Bool { false }
}
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
