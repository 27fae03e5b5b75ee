// SPDX-License-Identifier: Apache-2.0

import Crypto
import FoundationEssentials
import TPMWire

/// Hashing by TPM algorithm identifier, on top of swift-crypto.
public enum TPMHash {
    /// The digest of `data` with `algorithm`.
    public static func digest(_ algorithm: TPMIAlgHash, _ data: [UInt8]) -> [UInt8] {
        var state = TPMHashState(algorithm)
        state.update(data)
        return state.finalize()
    }

    /// The digest of the concatenation of `parts`.
    public static func digest(_ algorithm: TPMIAlgHash, parts: [[UInt8]]) -> [UInt8] {
        var state = TPMHashState(algorithm)
        for part in parts {
            state.update(part)
        }
        return state.finalize()
    }

    /// The digest of `first || second`, without building an array of the parts.
    public static func digest(_ algorithm: TPMIAlgHash, _ first: [UInt8], _ second: [UInt8]) -> [UInt8] {
        var state = TPMHashState(algorithm)
        state.update(first)
        state.update(second)
        return state.finalize()
    }

    /// HMAC of `data` under `key` — the spec's HMAC (Part 1, 11.4.6), i.e. RFC 2104.
    public static func hmac(_ algorithm: TPMIAlgHash, key: [UInt8], _ data: [UInt8]) -> [UInt8] {
        var state = TPMHMACState(algorithm, key: key)
        state.update(data)
        return state.finalize()
    }
}

/// An incremental hash whose algorithm is chosen at run time. A value type: copying it forks the state,
/// which is how a sequence object answers SequenceComplete while other banks keep hashing.
public struct TPMHashState: Sendable {
    enum Backing: Sendable {
        case sha1(Insecure.SHA1)
        case sha256(SHA256)
        case sha384(SHA384)
        case sha512(SHA512)
        /// Only during `update`, while the state is out of the enum.
        case moved
    }

    public let algorithm: TPMIAlgHash
    var backing: Backing

    public init(_ algorithm: TPMIAlgHash) {
        self.algorithm = algorithm
        switch algorithm.algorithm {
        case .sha1: backing = .sha1(Insecure.SHA1())
        case .sha256: backing = .sha256(SHA256())
        case .sha384: backing = .sha384(SHA384())
        default: backing = .sha512(SHA512())
        }
    }

    public mutating func update(_ data: [UInt8]) {
        absorb(data)
    }

    /// Hashes a slice in place, without copying it into an array first.
    public mutating func update(_ data: ArraySlice<UInt8>) {
        absorb(data)
    }

    /// Moves the digest state out of `backing` before updating it: a second reference would make
    /// swift-crypto's copy-on-write duplicate the whole context on every update.
    private mutating func absorb(_ data: some DataProtocol) {
        let current = backing
        backing = .moved
        switch consume current {
        case .sha1(var h):
            h.update(data: data)
            backing = .sha1(h)
        case .sha256(var h):
            h.update(data: data)
            backing = .sha256(h)
        case .sha384(var h):
            h.update(data: data)
            backing = .sha384(h)
        case .sha512(var h):
            h.update(data: data)
            backing = .sha512(h)
        case .moved:
            break
        }
    }

    /// The digest of everything added so far; the state itself is left untouched.
    public func finalize() -> [UInt8] {
        switch backing {
        case .sha1(let h): h.finalize().bytes
        case .sha256(let h): h.finalize().bytes
        case .sha384(let h): h.finalize().bytes
        case .sha512(let h): h.finalize().bytes
        case .moved: []
        }
    }
}

/// An incremental HMAC whose hash is chosen at run time.
public struct TPMHMACState: Sendable {
    enum Backing: Sendable {
        case sha1(HMAC<Insecure.SHA1>)
        case sha256(HMAC<SHA256>)
        case sha384(HMAC<SHA384>)
        case sha512(HMAC<SHA512>)
        /// Only during `update`, while the state is out of the enum.
        case moved
    }

    public let algorithm: TPMIAlgHash
    var backing: Backing

    public init(_ algorithm: TPMIAlgHash, key: [UInt8]) {
        self.algorithm = algorithm
        let key = SymmetricKey(data: key)
        switch algorithm.algorithm {
        case .sha1: backing = .sha1(HMAC(key: key))
        case .sha256: backing = .sha256(HMAC(key: key))
        case .sha384: backing = .sha384(HMAC(key: key))
        default: backing = .sha512(HMAC(key: key))
        }
    }

    /// Moves the digest state out of `backing` before updating it: a second reference would make
    /// swift-crypto's copy-on-write duplicate the whole context on every update.
    public mutating func update(_ data: [UInt8]) {
        let current = backing
        backing = .moved
        switch consume current {
        case .sha1(var h):
            h.update(data: data)
            backing = .sha1(h)
        case .sha256(var h):
            h.update(data: data)
            backing = .sha256(h)
        case .sha384(var h):
            h.update(data: data)
            backing = .sha384(h)
        case .sha512(var h):
            h.update(data: data)
            backing = .sha512(h)
        case .moved:
            break
        }
    }

    public func finalize() -> [UInt8] {
        switch backing {
        case .sha1(let h): h.finalize().bytes
        case .sha256(let h): h.finalize().bytes
        case .sha384(let h): h.finalize().bytes
        case .sha512(let h): h.finalize().bytes
        case .moved: []
        }
    }
}

extension Digest {
    /// The bytes as an array, copied in one piece (a digest iterated as a `Sequence` goes byte by byte,
    /// which profiling showed as a visible cost of every PCR extend).
    var bytes: [UInt8] {
        withUnsafeBytes { Array($0) }
    }
}

extension MessageAuthenticationCode {
    /// The bytes as an array, copied in one piece.
    var bytes: [UInt8] {
        withUnsafeBytes { Array($0) }
    }
}
