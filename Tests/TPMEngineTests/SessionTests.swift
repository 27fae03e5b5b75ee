// SPDX-License-Identifier: Apache-2.0

import TPMCrypto
import TPMEngine
import TPMWire
import Testing

/// HMAC sessions as Part 1, 19.6 defines them: the test computes cpHash, the command HMAC and the expected
/// response HMAC itself and checks the TPM against them.
@Suite struct SessionTests {
    struct Started {
        let handle: TPMHandle
        let nonceTPM: [UInt8]
    }

    static func startSession(
        _ tpm: inout EngineHarness, nonceCaller: [UInt8], bind: TPMHandle = .null,
        type: TPMSE = .hmac
    ) throws -> Started {
        var parameters = TPMWriter()
        try TPM2BNonce(nonceCaller).marshal(into: &parameters)
        TPM2BDigest.empty.marshal(into: &parameters)  // encryptedSalt (same encoding: empty TPM2B)
        type.marshal(into: &parameters)
        TPMAlgID.null.marshal(into: &parameters)
        TPMIAlgHash.sha256.marshal(into: &parameters)
        let response = tpm.send(.startAuthSession, handles: [.null, bind], parameters: parameters.bytes)
        try #require(response.rc == .success, "StartAuthSession: \(response.rc)")
        var reader = TPMReader(response.body)
        let handle = try TPMHandle(unmarshalling: &reader)
        let nonce = try TPM2BNonce(unmarshalling: &reader)
        return Started(handle: handle, nonceTPM: nonce.buffer)
    }

    /// PCR_Extend of PCR 16 with one HMAC session; returns the response.
    static func extend(
        _ tpm: inout EngineHarness, session: Started, nonceCaller: [UInt8], hmac: [UInt8],
        attributes: TPMASession
    ) throws -> EngineHarness.Response {
        let digests = try TPMLDigestValues([TPMTHA(hashAlg: .sha256, digest: [UInt8](repeating: 7, count: 32))])
        var writer = TPMWriter()
        TPMST.sessions.marshal(into: &writer)
        writer.writeInteger(UInt32(0))
        TPMCC.pcrExtend.marshal(into: &writer)
        TPMHandle.pcr(16).marshal(into: &writer)
        let auth = TPMSAuthCommand(
            sessionHandle: session.handle, nonce: try TPM2BNonce(nonceCaller),
            sessionAttributes: attributes, hmac: try TPM2BAuth(hmac)
        ).marshalled()
        writer.writeInteger(UInt32(auth.count))
        writer.writeBytes(auth)
        digests.marshal(into: &writer)
        writer.setUInt32(UInt32(writer.count), at: 2)
        return tpm.raw(writer.bytes)
    }

    static var extendParameters: [UInt8] {
        (try? TPMLDigestValues([TPMTHA(hashAlg: .sha256, digest: [UInt8](repeating: 7, count: 32))]))?.marshalled()
            ?? []
    }

    @Test func boundSessionAuthorizesAndAnswersWithTheSpecHMAC() throws {
        var tpm = EngineHarness()
        let nonceCaller = [UInt8](repeating: 0x11, count: 16)
        // Bound to the platform hierarchy (empty authValue): the session key comes from KDFa.
        let session = try Self.startSession(&tpm, nonceCaller: nonceCaller, bind: .platform)
        #expect(session.handle == TPMHandle(0x0200_0000))
        let sessionKey = KDF.kdfa(
            .sha256, key: [], label: "ATH", contextU: session.nonceTPM, contextV: nonceCaller, bits: 256)

        let commandNonce = [UInt8](repeating: 0x22, count: 16)
        let cpHash = TPMHash.digest(
            .sha256,
            parts: [
                TPMCC.pcrExtend.marshalled(), TPMHandle.pcr(16).marshalled(),
                Self.extendParameters,
            ])
        let hmac = TPMHash.hmac(
            .sha256, key: sessionKey,
            cpHash + commandNonce + session.nonceTPM + [TPMASession.continueSession.rawValue])
        let response = try Self.extend(
            &tpm, session: session, nonceCaller: commandNonce, hmac: hmac,
            attributes: .continueSession)
        #expect(response.rc == .success)

        // Response: parameterSize 0, then nonceTPM', attributes, HMAC over rpHash || nonceTPM' || nonceCaller || attrs.
        var reader = TPMReader(response.body)
        #expect(try reader.readInteger(as: UInt32.self) == 0)
        let auth = try TPMSAuthResponse(unmarshalling: &reader)
        #expect(auth.nonce.count == 16 && auth.nonce.buffer != session.nonceTPM)
        let rpHash = TPMHash.digest(.sha256, parts: [[0, 0, 0, 0], TPMCC.pcrExtend.marshalled()])
        let expected = TPMHash.hmac(
            .sha256, key: sessionKey,
            rpHash + auth.nonce.buffer + commandNonce + [TPMASession.continueSession.rawValue])
        #expect(auth.hmac.buffer == expected)

        // The old nonce is spent: replaying the same command fails.
        let replay = try Self.extend(
            &tpm, session: session, nonceCaller: commandNonce, hmac: hmac, attributes: .continueSession)
        #expect(replay.rc == TPMRC.badAuth.atSession(1))
    }

    @Test func sessionWithoutContinueIsFlushed() throws {
        var tpm = EngineHarness()
        let session = try Self.startSession(&tpm, nonceCaller: [UInt8](repeating: 1, count: 20))
        // Unbound, unsalted, empty authValue: the HMAC key is empty, and an empty HMAC is accepted.
        let response = try Self.extend(
            &tpm, session: session, nonceCaller: [UInt8](repeating: 2, count: 16), hmac: [],
            attributes: [])
        #expect(response.rc == .success)
        let again = try Self.extend(
            &tpm, session: session, nonceCaller: [UInt8](repeating: 3, count: 16), hmac: [],
            attributes: [])
        #expect(again.rc == .referenceSession(0))
    }

    @Test func startRejectsShortNoncesAndSaltWithoutKey() throws {
        var tpm = EngineHarness()
        var parameters = TPMWriter()
        try TPM2BNonce([UInt8](repeating: 1, count: 15)).marshal(into: &parameters)
        TPM2BDigest.empty.marshal(into: &parameters)
        TPMSE.hmac.marshal(into: &parameters)
        TPMAlgID.null.marshal(into: &parameters)
        TPMIAlgHash.sha256.marshal(into: &parameters)
        #expect(
            tpm.send(.startAuthSession, handles: [.null, .null], parameters: parameters.bytes).rc
                == TPMRC.size.atParameter(1))

        parameters = TPMWriter()
        try TPM2BNonce([UInt8](repeating: 1, count: 16)).marshal(into: &parameters)
        try TPM2BDigest([1]).marshal(into: &parameters)
        TPMSE.hmac.marshal(into: &parameters)
        TPMAlgID.null.marshal(into: &parameters)
        TPMIAlgHash.sha256.marshal(into: &parameters)
        #expect(
            tpm.send(.startAuthSession, handles: [.null, .null], parameters: parameters.bytes).rc
                == TPMRC.value.atParameter(2))
    }

    @Test func trialSessionCannotAuthorize() throws {
        var tpm = EngineHarness()
        let session = try Self.startSession(&tpm, nonceCaller: [UInt8](repeating: 1, count: 16), type: .trial)
        #expect(session.handle.type == .policySession)
        let response = try Self.extend(
            &tpm, session: session, nonceCaller: [UInt8](repeating: 2, count: 16), hmac: [],
            attributes: .continueSession)
        #expect(response.rc == TPMRC.attributes.atSession(1))
        #expect(tpm.send(.flushContext, parameters: session.handle.marshalled()).rc == .success)
        #expect(tpm.send(.flushContext, parameters: session.handle.marshalled()).rc == TPMRC.handle.atParameter(1))
    }
}
