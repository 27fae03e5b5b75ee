// SPDX-License-Identifier: Apache-2.0

import TPMCrypto
import TPMEngine
import TPMWire

/// A platform with a settable clock and deterministic entropy, for reproducible engine tests.
final class TestPlatform: TPMPlatform, @unchecked Sendable {
    // Tests drive one engine from one task; the mutable fields are never touched concurrently.
    var milliseconds: UInt64 = 1_000
    var physicalPresenceAsserted = false
    var cancelRequested = false
    let entropySource: any EntropySource = DeterministicEntropySource()

    func monotonicMilliseconds() -> UInt64 { milliseconds }
}

/// Builds commands and decodes responses for in-process engine tests.
struct EngineHarness {
    var engine: TPMEngine
    let platform: TestPlatform

    init(started: Bool = true) {
        platform = TestPlatform()
        engine = TPMEngine.manufacture(platform: platform)
        if started {
            let rc = send(.startup, parameters: TPMSU.clear.marshalled()).rc
            precondition(rc == .success, "Startup failed: \(rc)")
        }
    }

    struct Response {
        let bytes: [UInt8]
        var tag: TPMST { TPMST(rawValue: UInt16(bytes[0]) << 8 | UInt16(bytes[1])) }
        var rc: TPMRC { TPMRC(rawValue: bytes[6..<10].reduce(0) { $0 << 8 | UInt32($1) }) }
        /// Everything after the header (and, for TPM_ST_SESSIONS, the parameter size).
        var body: [UInt8] { Array(bytes.dropFirst(10)) }
    }

    /// Sends a command with no sessions.
    @discardableResult
    mutating func send(
        _ code: TPMCC, handles: [TPMHandle] = [], parameters: [UInt8] = [], locality: UInt8 = 0
    ) -> Response {
        var writer = TPMWriter()
        TPMST.noSessions.marshal(into: &writer)
        writer.writeInteger(UInt32(0))
        code.marshal(into: &writer)
        handles.forEach { $0.marshal(into: &writer) }
        writer.writeBytes(parameters)
        writer.setUInt32(UInt32(writer.count), at: 2)
        return Response(bytes: engine.execute(writer.bytes, locality: locality))
    }

    /// Sends a command whose handles are authorized with passwords (one TPM_RS_PW session per entry).
    @discardableResult
    mutating func send(
        _ code: TPMCC, handles: [TPMHandle], passwords: [[UInt8]], parameters: [UInt8] = [],
        locality: UInt8 = 0
    ) -> Response {
        var writer = TPMWriter()
        TPMST.sessions.marshal(into: &writer)
        writer.writeInteger(UInt32(0))
        code.marshal(into: &writer)
        handles.forEach { $0.marshal(into: &writer) }
        var auth = TPMWriter()
        for password in passwords {
            TPMSAuthCommand.password(try! TPM2BAuth(password)).marshal(into: &auth)
        }
        writer.writeInteger(UInt32(auth.count))
        writer.writeBytes(auth.bytes)
        writer.writeBytes(parameters)
        writer.setUInt32(UInt32(writer.count), at: 2)
        return Response(bytes: engine.execute(writer.bytes, locality: locality))
    }

    mutating func raw(_ bytes: [UInt8], locality: UInt8 = 0) -> Response {
        Response(bytes: engine.execute(bytes, locality: locality))
    }
}

extension Array where Element == UInt8 {
    init(hex: String) {
        let digits: [Character] = hex.filter { !$0.isWhitespace }.map { $0 }
        self = stride(from: 0, to: digits.count, by: 2).map { UInt8(String(digits[$0..<($0 + 2)]), radix: 16)! }
    }

    var hex: String {
        map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }
}
