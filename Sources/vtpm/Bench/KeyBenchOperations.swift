// SPDX-License-Identifier: Apache-2.0

import TPMWire

/// Benchmark operations on keys (issue 4's targets): each target first creates the keys it needs, then the
/// measured command is built from the handles and values it returned.
extension BenchOperation {
    static let keys: [BenchOperation] = [
        BenchOperation(name: "CreatePrimary(ECC P-256)", iterations: 500) { send in
            BenchRunner(command: { _ in createPrimary(eccSigningTemplate()) }, cleanup: flushCreated)
        },
        BenchOperation(name: "Sign(ECDSA P-256)", iterations: 2000) { send in
            let key = try loadedHandle(send(createPrimary(eccSigningTemplate())))
            return BenchRunner(command: { _ in sign(key) })
        },
        BenchOperation(name: "VerifySignature(ECDSA P-256)", iterations: 2000) { send in
            let key = try loadedHandle(send(createPrimary(eccSigningTemplate())))
            let signature = try signatureBytes(send(sign(key)))
            return BenchRunner(command: { _ in verify(key, signature: signature) })
        },
        BenchOperation(name: "Quote(ECDSA P-256, 1 PCR)", iterations: 2000) { send in
            let key = try loadedHandle(send(createPrimary(eccSigningTemplate(restricted: true))))
            return BenchRunner(command: { _ in quote(key) })
        },
        BenchOperation(name: "Sign(RSASSA-2048)", iterations: 500) { send in
            let key = try loadedHandle(send(createPrimary(rsaSigningTemplate(unique: []))))
            return BenchRunner(command: { _ in sign(key) })
        },
        BenchOperation(name: "CreatePrimary(RSA-2048, new unique)", iterations: 20, roundSize: 2) { send in
            BenchRunner(
                command: { index in createPrimary(rsaSigningTemplate(unique: uniqueBytes(index))) },
                cleanup: flushCreated)
        },
        BenchOperation(name: "Create(RSA-2048 child)", iterations: 40, roundSize: 4, pauseAfterRound: .seconds(1)) {
            send in
            let parent = try loadedHandle(send(createPrimary(eccStorageTemplate())))
            return BenchRunner(command: { _ in create(parent: parent, rsaSigningTemplate(unique: [])) })
        },
    ]

    // MARK: - Templates

    static let signingAttributes: TPMAObject = [
        .fixedTPM, .fixedParent, .sensitiveDataOrigin, .userWithAuth, .signEncrypt,
    ]

    static func eccSigningTemplate(restricted: Bool = false) -> TPMTPublic {
        var attributes = signingAttributes
        if restricted { attributes.insert(.restricted) }
        let curve = (try? TPMIECCCurve(.nistP256))!
        return TPMTPublic(
            nameAlg: .sha256, objectAttributes: attributes,
            details: .ecc(
                TPMSECCParms(
                    symmetric: nil, scheme: .ecdsa(TPMSSigSchemeECDSA(hashAlg: .sha256)), curveID: curve, kdf: nil),
                unique: TPMSECCPoint(x: .empty, y: .empty)))
    }

    static func eccStorageTemplate() -> TPMTPublic {
        let curve = (try? TPMIECCCurve(.nistP256))!
        let aes = TPMTSymDefObject.aes(keyBits: (try? TPMIAESKeyBits(128))!, mode: try? TPMIAlgSymMode(.cfb))
        return TPMTPublic(
            nameAlg: .sha256,
            objectAttributes: [
                .fixedTPM, .fixedParent, .sensitiveDataOrigin, .userWithAuth, .restricted, .decrypt,
            ],
            details: .ecc(
                TPMSECCParms(symmetric: aes, scheme: nil, curveID: curve, kdf: nil),
                unique: TPMSECCPoint(x: .empty, y: .empty)))
    }

    static func rsaSigningTemplate(unique: [UInt8]) -> TPMTPublic {
        TPMTPublic(
            nameAlg: .sha256, objectAttributes: signingAttributes,
            details: .rsa(
                TPMSRSAParms(
                    symmetric: nil, scheme: .rsassa(TPMSSigSchemeRSASSA(hashAlg: .sha256)),
                    keyBits: (try? TPMIRSAKeyBits(2048))!),
                unique: (try? TPM2BPublicKeyRSA(unique)) ?? .empty))
    }

    /// A different `unique` per iteration, so that every CreatePrimary derives a new key.
    static func uniqueBytes(_ index: Int) -> [UInt8] {
        UInt64(bitPattern: Int64(index)).marshalled() + Array("swift-vtpm bench".utf8)
    }

    // MARK: - Commands

    static func passwordSession(_ writer: inout TPMWriter) {
        let session = TPMSAuthCommand.password().marshalled()
        writer.writeInteger(UInt32(session.count))
        writer.writeBytes(session)
    }

    static func createPrimary(_ template: TPMTPublic) -> [UInt8] {
        build(.sessions, .createPrimary) { writer in
            TPMHandle.owner.marshal(into: &writer)
            passwordSession(&writer)
            TPM2BSensitiveCreate(TPMSSensitiveCreate()).marshal(into: &writer)
            TPM2BPublic(template).marshal(into: &writer)
            TPM2BData.empty.marshal(into: &writer)
            (try? TPMLPCRSelection([]))?.marshal(into: &writer)
        }
    }

    static func create(parent: TPMHandle, _ template: TPMTPublic) -> [UInt8] {
        build(.sessions, .create) { writer in
            parent.marshal(into: &writer)
            passwordSession(&writer)
            TPM2BSensitiveCreate(TPMSSensitiveCreate()).marshal(into: &writer)
            TPM2BPublic(template).marshal(into: &writer)
            TPM2BData.empty.marshal(into: &writer)
            (try? TPMLPCRSelection([]))?.marshal(into: &writer)
        }
    }

    static let digest = [UInt8](repeating: 0x42, count: 32)

    static func sign(_ key: TPMHandle) -> [UInt8] {
        build(.sessions, .sign) { writer in
            key.marshal(into: &writer)
            passwordSession(&writer)
            (try? TPM2BDigest(digest))?.marshal(into: &writer)
            TPMAlgID.null.marshal(into: &writer)
            TPMTTKHashcheck.null.marshal(into: &writer)
        }
    }

    static func verify(_ key: TPMHandle, signature: [UInt8]) -> [UInt8] {
        build(.noSessions, .verifySignature) { writer in
            key.marshal(into: &writer)
            (try? TPM2BDigest(digest))?.marshal(into: &writer)
            writer.writeBytes(signature)
        }
    }

    static func quote(_ key: TPMHandle) -> [UInt8] {
        build(.sessions, .quote) { writer in
            key.marshal(into: &writer)
            passwordSession(&writer)
            TPM2BData.empty.marshal(into: &writer)
            TPMAlgID.null.marshal(into: &writer)
            (try? TPMLPCRSelection([TPMSPCRSelection(hash: .sha256, pcrs: [0])]))?.marshal(into: &writer)
        }
    }

    /// FlushContext of the object a CreatePrimary just loaded, so that slots never run out.
    static func flushCreated(_ response: [UInt8]) -> [UInt8]? {
        guard let handle = try? loadedHandle(response) else { return nil }
        return build(.noSessions, .flushContext) { handle.marshal(into: &$0) }
    }

    // MARK: - Responses

    struct SetupFailed: Error, CustomStringConvertible {
        let description: String
    }

    static func loadedHandle(_ response: [UInt8]) throws -> TPMHandle {
        let code = BenchTarget.responseCode(response)
        guard code == 0, response.count >= 14 else {
            throw SetupFailed(description: "creating a key answered \(TPMRC(rawValue: code))")
        }
        return TPMHandle(response[10..<14].reduce(0) { $0 << 8 | UInt32($1) })
    }

    /// The marshalled TPMT_SIGNATURE of a Sign response (after the header and the parameter size).
    static func signatureBytes(_ response: [UInt8]) throws -> [UInt8] {
        let code = BenchTarget.responseCode(response)
        guard code == 0, response.count > 14 else {
            throw SetupFailed(description: "Sign answered \(TPMRC(rawValue: code))")
        }
        var reader = TPMReader(Array(response[14...]))
        let signature = try TPMTSignature(unmarshalling: &reader)
        return signature.marshalled()
    }
}
