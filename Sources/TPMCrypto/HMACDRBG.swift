// SPDX-License-Identifier: Apache-2.0

import Crypto

/// HMAC_DRBG with SHA-256 — NIST SP 800-90A Rev. 1, 10.1.2, without prediction resistance.
///
/// Each TPM instance owns one. It is seeded from the platform's entropy source when the instance is
/// created and reseeded by TPM2_StirRandom; it is the only source of the TPM's random values, seeds included.
public struct HMACDRBG: Sendable {
    /// SP 800-90A, Table 2: at most 2^48 requests between reseeds; we reseed far earlier.
    static let reseedInterval = 1 << 20
    /// SP 800-90A: at most 2^19 bits (64 KiB) per request.
    public static let maxBytesPerRequest = 1 << 16

    private var key: SymmetricKey
    private var value: [UInt8]
    private(set) var reseedCounter: Int

    /// Instantiates from `entropy` (≥ 32 bytes), `nonce` and `personalization` (10.1.2.3).
    public init(entropy: [UInt8], nonce: [UInt8] = [], personalization: [UInt8] = []) {
        key = SymmetricKey(data: [UInt8](repeating: 0, count: 32))
        value = [UInt8](repeating: 1, count: 32)
        reseedCounter = 1
        update(entropy + nonce + personalization)
    }

    /// True when the DRBG must be reseeded before the next `generate`.
    public var needsReseed: Bool { reseedCounter > Self.reseedInterval }

    /// Mixes fresh `entropy` and `additionalInput` into the state (10.1.2.4).
    public mutating func reseed(entropy: [UInt8], additionalInput: [UInt8] = []) {
        update(entropy + additionalInput)
        reseedCounter = 1
    }

    /// Returns `count` pseudorandom bytes (10.1.2.5). `count` above `maxBytesPerRequest` is served in
    /// several requests.
    public mutating func generate(_ count: Int, additionalInput: [UInt8] = []) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(count)
        var remaining = count
        repeat {
            let chunk = min(remaining, Self.maxBytesPerRequest)
            output += generateOne(chunk, additionalInput: additionalInput)
            remaining -= chunk
        } while remaining > 0
        return output
    }

    private mutating func generateOne(_ count: Int, additionalInput: [UInt8]) -> [UInt8] {
        if !additionalInput.isEmpty {
            update(additionalInput)
        }
        var output: [UInt8] = []
        output.reserveCapacity(count + 32)
        while output.count < count {
            value = Array(HMAC<SHA256>.authenticationCode(for: value, using: key))
            output += value
        }
        update(additionalInput)
        reseedCounter += 1
        return Array(output.prefix(count))
    }

    /// HMAC_DRBG_Update (10.1.2.2).
    private mutating func update(_ providedData: [UInt8]) {
        key = SymmetricKey(data: HMAC<SHA256>.authenticationCode(for: value + [0x00] + providedData, using: key))
        value = Array(HMAC<SHA256>.authenticationCode(for: value, using: key))
        guard !providedData.isEmpty else { return }
        key = SymmetricKey(data: HMAC<SHA256>.authenticationCode(for: value + [0x01] + providedData, using: key))
        value = Array(HMAC<SHA256>.authenticationCode(for: value, using: key))
    }
}
