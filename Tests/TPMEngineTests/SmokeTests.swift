// SPDX-License-Identifier: Apache-2.0

import Foundation
import TPMEngine
import TPMWire
import Testing

@Suite struct SmokeTests {
    @Test func startupThenGetRandom() {
        var tpm = EngineHarness()
        let response = tpm.send(.getRandom, parameters: UInt16(16).marshalled())
        #expect(response.rc == .success)
        #expect(response.bytes.count == 10 + 2 + 16)
    }

    @Test func pcrExtendMatchesKnownAnswer() {
        var tpm = EngineHarness()
        var parameters = TPMWriter()
        try! TPMLDigestValues([TPMTHA(hashAlg: .sha256, digest: [UInt8](repeating: 0, count: 32))]).marshal(
            into: &parameters)
        let extend = tpm.send(.pcrExtend, handles: [.pcr(16)], passwords: [[]], parameters: parameters.bytes)
        #expect(extend.rc == .success)
        let read = tpm.send(
            .pcrRead, parameters: try! TPMLPCRSelection([TPMSPCRSelection(hash: .sha256, pcrs: [16])]).marshalled())
        #expect(read.rc == .success)
        // SHA-256(32 zero bytes || 32 zero bytes)
        #expect(read.body.suffix(32).hex == "f5a5fd42d16a20302798ef6ed309979b43003d2320d9f0e8ea9831a92759fb4b")
    }
}
