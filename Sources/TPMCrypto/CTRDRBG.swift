// SPDX-License-Identifier: Apache-2.0

import TPMWire

/// CTR_DRBG with AES-256 and no derivation function — NIST SP 800-90A Rev. 1, 10.2.1, without prediction
/// resistance: the DRBG of the TPM reference implementation.
///
/// Each TPM instance owns one, seeded with full-entropy input from the platform; it produces every random
/// value of the TPM, primary seeds included. Without a derivation function, personalization and additional
/// input may be at most seedlen (48 bytes) long; longer input (TPM2_StirRandom takes up to 128 bytes) is
/// first condensed with SHA-384, whose output is exactly seedlen.
public struct CTRDRBG: Sendable {
    public static let seedLength = 48
    static let keyLength = 32
    static let blockLength = 16
    /// SP 800-90A, Table 3: at most 2^48 requests between reseeds; we reseed far earlier.
    static let reseedInterval = 1 << 20
    /// SP 800-90A, Table 3: at most 2^19 bits (64 KiB) per request.
    public static let maxBytesPerRequest = 1 << 16

    private var key: [UInt8]
    private var counter: [UInt8]
    private(set) var reseedCounter: Int

    /// CTR_DRBG_Instantiate_algorithm (10.2.1.3.1). `entropy` must be `seedLength` bytes of full entropy.
    public init(entropy: [UInt8], personalization: [UInt8] = []) {
        precondition(entropy.count == Self.seedLength, "CTR_DRBG needs seedlen bytes of entropy")
        key = [UInt8](repeating: 0, count: Self.keyLength)
        counter = [UInt8](repeating: 0, count: Self.blockLength)
        reseedCounter = 1
        update(Self.xor(entropy, Self.condensed(personalization)))
    }

    public var needsReseed: Bool { reseedCounter > Self.reseedInterval }

    /// CTR_DRBG_Reseed_algorithm (10.2.1.4.1).
    public mutating func reseed(entropy: [UInt8], additionalInput: [UInt8] = []) {
        precondition(entropy.count == Self.seedLength, "CTR_DRBG needs seedlen bytes of entropy")
        update(Self.xor(entropy, Self.condensed(additionalInput)))
        reseedCounter = 1
    }

    /// CTR_DRBG_Generate_algorithm (10.2.1.5.1); requests above `maxBytesPerRequest` are split.
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
        var provided = [UInt8](repeating: 0, count: Self.seedLength)
        if !additionalInput.isEmpty {
            provided = Self.xor(provided, Self.condensed(additionalInput))
            update(provided)
        }
        let blocks = (count + Self.blockLength - 1) / Self.blockLength
        var output = keystream(blocks: blocks)
        output.removeLast(output.count - count)
        update(provided)
        reseedCounter += 1
        return output
    }

    /// CTR_DRBG_Update (10.2.1.2).
    private mutating func update(_ provided: [UInt8]) {
        let temp = Self.xor(keystream(blocks: Self.seedLength / Self.blockLength), provided)
        key = Array(temp[0..<Self.keyLength])
        counter = Array(temp[Self.keyLength...])
    }

    /// AES(key, V+1) || AES(key, V+2) || … for `blocks` blocks, leaving V advanced past them.
    private mutating func keystream(blocks: Int) -> [UInt8] {
        Self.increment(&counter, by: 1)
        let stream = AESAdapter.keystream(key: key, counter: counter, count: blocks * Self.blockLength)
        Self.increment(&counter, by: blocks - 1)
        return stream
    }

    static func increment(_ block: inout [UInt8], by amount: Int) {
        var carry = UInt(amount)
        for index in block.indices.reversed() where carry != 0 {
            let sum = UInt(block[index]) + (carry & 0xFF)
            block[index] = UInt8(truncatingIfNeeded: sum)
            carry = (carry >> 8) + (sum >> 8)
        }
    }

    /// Input for the no-df construction: at most seedlen bytes, zero-padded to seedlen.
    static func condensed(_ input: [UInt8]) -> [UInt8] {
        if input.count > seedLength {
            return TPMHash.digest(.sha384, input)
        }
        return input + [UInt8](repeating: 0, count: seedLength - input.count)
    }

    static func xor(_ a: [UInt8], _ b: [UInt8]) -> [UInt8] {
        zip(a, b).map { $0 ^ $1 }
    }
}

/// A DRBG that produces its output in blocks and hands it out in the sizes asked for.
///
/// A TPM asks for many small values (nonces, GetRandom); generating a block at a time spends one DRBG
/// update and one AES key schedule per block instead of per request. Reseeding discards what was generated
/// before, so output after TPM2_StirRandom always depends on the stirred data.
public struct RandomPool: Sendable {
    static let blockSize = 1024

    private var drbg: CTRDRBG
    private var pool: [UInt8] = []
    private var offset = 0

    public init(_ drbg: CTRDRBG) {
        self.drbg = drbg
    }

    public var needsReseed: Bool { drbg.needsReseed }

    public mutating func reseed(entropy: [UInt8], additionalInput: [UInt8] = []) {
        drbg.reseed(entropy: entropy, additionalInput: additionalInput)
        pool = []
        offset = 0
    }

    public mutating func bytes(_ count: Int) -> [UInt8] {
        if count > Self.blockSize {
            return drbg.generate(count)
        }
        if pool.count - offset < count {
            pool = drbg.generate(Self.blockSize)
            offset = 0
        }
        defer { offset += count }
        return Array(pool[offset..<(offset + count)])
    }
}
