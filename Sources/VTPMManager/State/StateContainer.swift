// SPDX-License-Identifier: Apache-2.0

import TPMCrypto
import TPMEngine
import TPMWire

/// The self-describing envelope of an instance's state file (documented in docs/state-format.md):
///
/// ```
/// magic "VTPMSTAT" (8) | version u16 | minReaderVersion u16 | flags u16 | reserved u16 |
/// generation u64 | payload length u32 | payload | SHA-256 of everything before it (32)
/// ```
///
/// The checksum makes a truncated or damaged file detectable; the generation counts saves so that two
/// copies can be ordered; `minReaderVersion` lets a future format refuse old readers explicitly.
struct StateContainer: Hashable, Sendable {
    static let magic = Array("VTPMSTAT".utf8)
    static let version: UInt16 = 1
    static let headerSize = 8 + 2 + 2 + 2 + 2 + 8 + 4
    static let checksumSize = 32

    var generation: UInt64
    var payload: [UInt8]

    func encoded() -> [UInt8] {
        var writer = TPMWriter(capacity: Self.headerSize + payload.count + Self.checksumSize)
        writer.writeBytes(Self.magic)
        writer.writeInteger(Self.version)
        writer.writeInteger(Self.version)
        writer.writeInteger(UInt16(0))
        writer.writeInteger(UInt16(0))
        writer.writeInteger(generation)
        writer.writeInteger(UInt32(payload.count))
        writer.writeBytes(payload)
        writer.writeBytes(TPMHash.digest(.sha256, writer.bytes))
        return writer.bytes
    }

    /// Decodes and verifies a container; the error says what is wrong in words an operator can act on.
    init(decoding bytes: [UInt8]) throws(ManagerError) {
        guard bytes.count >= Self.headerSize + Self.checksumSize else {
            throw ManagerError(
                .stateCorrupted,
                "truncated: \(bytes.count) bytes, a state file has at least \(Self.headerSize + Self.checksumSize)")
        }
        guard Array(bytes.prefix(8)) == Self.magic else {
            throw ManagerError(.stateCorrupted, "not a vTPM state file (bad magic)")
        }
        var reader = TPMReader(bytes)
        // The length check above guarantees the fixed header is present.
        _ = try? reader.skip(Self.magic.count)
        let version = (try? reader.readInteger(as: UInt16.self)) ?? 0
        let minReader = (try? reader.readInteger(as: UInt16.self)) ?? 0
        _ = try? reader.skip(4)
        let generation = (try? reader.readInteger(as: UInt64.self)) ?? 0
        let length = Int((try? reader.readInteger(as: UInt32.self)) ?? 0)
        guard minReader <= Self.version else {
            throw ManagerError(
                .stateTooNew,
                "written by format version \(version), which needs a reader of version \(minReader) or later "
                    + "(this is \(Self.version))"
            )
        }
        guard reader.remaining == length + Self.checksumSize else {
            throw ManagerError(
                .stateCorrupted,
                "truncated or padded: the header announces \(length) payload bytes but the file has "
                    + "\(bytes.count) bytes"
            )
        }
        let checksum = Array(bytes.suffix(Self.checksumSize))
        guard checksum == TPMHash.digest(.sha256, Array(bytes.dropLast(Self.checksumSize))) else {
            throw ManagerError(.stateCorrupted, "checksum mismatch: the file is damaged")
        }
        self.generation = generation
        self.payload = Array(bytes[Self.headerSize..<(Self.headerSize + length)])
    }

    init(generation: UInt64, payload: [UInt8]) {
        self.generation = generation
        self.payload = payload
    }
}
