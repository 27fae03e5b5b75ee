// SPDX-License-Identifier: Apache-2.0

import TPMEngine
import TPMWire
import Testing

@Suite struct DictionaryAttackTests {
    @Test func lockoutAuthRecoversAfterLockoutRecovery() {
        var tpm = EngineHarness()
        #expect(
            tpm.send(.clear, handles: [.lockout], passwords: [Array("wrong".utf8)]).rc == TPMRC.authFail.atSession(1))
        #expect(tpm.send(.clear, handles: [.lockout], passwords: [[]]).rc == .lockout)
        #expect(tpm.engine.durableStateChanged)

        tpm.platform.milliseconds += 999_000
        #expect(tpm.send(.clear, handles: [.lockout], passwords: [[]]).rc == .lockout)
        tpm.platform.milliseconds += 1_000
        #expect(tpm.send(.clear, handles: [.lockout], passwords: [[]]).rc == .success)
    }

    @Test func lockoutSurvivesARestart() throws {
        var tpm = EngineHarness()
        _ = tpm.send(.clear, handles: [.lockout], passwords: [Array("wrong".utf8)])
        var restarted = TPMEngine(restoring: tpm.engine.durableState(), platform: tpm.platform)
        tpm.engine = restarted
        #expect(tpm.send(.startup, parameters: TPMSU.clear.marshalled()).rc == .success)
        #expect(tpm.send(.clear, handles: [.lockout], passwords: [[]]).rc == .lockout)
        restarted = tpm.engine
        #expect(!restarted.permanent.dictionaryAttack.lockoutAuthEnabled)
    }
}

@Suite struct DurableRestoreTests {
    @Test func allocationAndSeedsSurviveSerialization() throws {
        var tpm = EngineHarness()
        let sha256Only = try TPMLPCRSelection([
            TPMSPCRSelection(hash: .sha1, pcrs: []), TPMSPCRSelection(hash: .sha256, pcrs: 0..<24),
            TPMSPCRSelection(hash: .sha384, pcrs: []), TPMSPCRSelection(hash: .sha512, pcrs: []),
        ])
        #expect(
            tpm.send(.pcrAllocate, handles: [.platform], passwords: [[]], parameters: sha256Only.marshalled()).rc
                == .success)
        let serialized = tpm.engine.durableState().serialized()
        let state = try DurableState(serialized: serialized)
        #expect(state == tpm.engine.durableState())

        tpm.engine = TPMEngine(restoring: state, platform: tpm.platform)
        #expect(tpm.send(.startup, parameters: TPMSU.clear.marshalled()).rc == .success)
        let capability = tpm.send(.getCapability, parameters: [0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 1])
        var reader = TPMReader(capability.body)
        _ = try Bool(unmarshalling: &reader)
        #expect(try TPMSCapabilityData(unmarshalling: &reader) == .assignedPCR(sha256Only))
    }

    @Test func damagedRecordsAreNamed() {
        var bytes = EngineHarness().engine.durableState().serialized()
        bytes.removeLast(3)
        #expect(throws: DurableStateError.self) { try DurableState(serialized: bytes) }
        let missing = Array(bytes.prefix(0))
        #expect { try DurableState(serialized: missing) } throws: { "\($0)".contains("missing") }
    }

    @Test func unknownRecordsAreSkipped() throws {
        let state = EngineHarness().engine.durableState()
        // A record from a future version (tag 0x7FFF) must not stop this version from loading the rest.
        let future: [UInt8] = [0x7F, 0xFF, 0, 0, 0, 2, 0xAB, 0xCD]
        #expect(try DurableState(serialized: state.serialized() + future) == state)
    }
}

@Suite struct FailureModeTests {
    @Test func onlyTestResultAndPropertiesAnswer() throws {
        var tpm = EngineHarness()
        tpm.engine.enterFailureMode()
        let result = tpm.send(.getTestResult)
        #expect(result.rc == .success)
        #expect(Array(result.body.suffix(4)) == [0, 0, 1, 1])  // testResult TPM_RC_FAILURE
        #expect(tpm.send(.getRandom, parameters: UInt16(8).marshalled()).rc == .failure)
        let properties = tpm.send(.getCapability, parameters: [0, 0, 0, 6, 0, 0, 1, 0, 0, 0, 0, 2])
        #expect(properties.rc == .success)
        #expect(tpm.send(.getCapability, parameters: [0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 1]).rc == .failure)
    }
}
