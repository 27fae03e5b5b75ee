// SPDX-License-Identifier: Apache-2.0

import TPMWire
import Testing

@testable import TPMEngine

/// TPM2_TestParms (Part 3, 30.3). The expected codes are what swtpm 0.7.1 (libtpms 0.9.2) answered to the same
/// command bytes.
@Suite struct TestParmsTests {
    struct Row: Sendable, CustomTestStringConvertible {
        let name: String
        let parameters: String
        let rc: TPMRC
        var testDescription: String { "\(name) -> \(rc)" }
    }

    static let rows: [Row] = [
        Row(name: "rsa-2048", parameters: "0001 0010 0010 0800 00000000", rc: .success),
        Row(name: "rsa-2048 storage", parameters: "0001 0006 0080 0043 0010 0800 00000000", rc: .success),
        Row(name: "rsa-2048 rsassa", parameters: "0001 0010 0014 000b 0800 00000000", rc: .success),
        Row(name: "ecc p-256 ecdsa", parameters: "0023 0010 0018 000b 0003 0010", rc: .success),
        Row(name: "ecc p-256 kdf1-56a", parameters: "0023 0010 0019 000b 0003 0020 000b", rc: .success),
        Row(name: "aes-128-cfb symcipher", parameters: "0025 0006 0080 0043", rc: .success),
        Row(name: "keyedhash hmac sha256", parameters: "0008 0005 000b", rc: .success),
        Row(name: "keyedhash null scheme", parameters: "0008 0010", rc: .success),
        Row(name: "rsa 1000 bits", parameters: "0001 0010 0010 03e8 00000000", rc: TPMRC.value.atParameter(1)),
        Row(name: "rsa ecdsa scheme", parameters: "0001 0010 0018 000b 0800 00000000", rc: TPMRC.value.atParameter(1)),
        Row(
            name: "rsa unknown symmetric", parameters: "0001 0099 0010 0800 00000000",
            rc: TPMRC.symmetric.atParameter(1)),
        Row(
            name: "rsa xor symmetric", parameters: "0001 000a 000b 0010 0800 00000000",
            rc: TPMRC.symmetric.atParameter(1)),
        Row(
            name: "rsa aes 100 bits", parameters: "0001 0006 0064 0043 0010 0800 00000000",
            rc: TPMRC.value.atParameter(1)),
        Row(
            name: "rsa aes unknown mode", parameters: "0001 0006 0080 0099 0010 0800 00000000",
            rc: TPMRC.mode.atParameter(1)),
        Row(name: "ecc unknown curve", parameters: "0023 0010 0010 0099 0010", rc: TPMRC.curve.atParameter(1)),
        Row(name: "ecc rsassa scheme", parameters: "0023 0010 0014 000b 0003 0010", rc: TPMRC.scheme.atParameter(1)),
        Row(name: "ecc unknown kdf", parameters: "0023 0010 0010 0003 0099", rc: TPMRC.kdf.atParameter(1)),
        Row(name: "symcipher null", parameters: "0025 0010", rc: TPMRC.symmetric.atParameter(1)),
        Row(name: "symcipher unknown", parameters: "0025 0099 0080 0043", rc: TPMRC.symmetric.atParameter(1)),
        Row(name: "symcipher sm4", parameters: "0025 0013 0080 0043", rc: TPMRC.symmetric.atParameter(1)),
        Row(name: "keyedhash rsassa scheme", parameters: "0008 0014 000b", rc: TPMRC.value.atParameter(1)),
        Row(name: "keyedhash xor unknown kdf", parameters: "0008 000a 000b 0099", rc: TPMRC.kdf.atParameter(1)),
        Row(name: "unknown type", parameters: "0099", rc: TPMRC.type.atParameter(1)),
        Row(name: "truncated", parameters: "0001 0010 0010 0800", rc: TPMRC.insufficient.atParameter(1)),
        Row(name: "trailing byte", parameters: "0025 0006 0080 0043 00", rc: .size),
    ]

    @Test(arguments: rows) func answers(_ row: Row) {
        var tpm = EngineHarness()
        let response = tpm.send(.testParms, parameters: [UInt8](hex: row.parameters.filter { !$0.isWhitespace }))
        #expect(response.rc == row.rc)
        #expect(response.bytes.count == 10)
    }

    @Test func acceptsEveryImplementedParameterSet() throws {
        var tpm = EngineHarness()
        var sets: [TPMTPublicParms] = []
        for bits in TPMImplementation.rsaKeyBits {
            sets.append(.rsa(TPMSRSAParms(symmetric: nil, scheme: nil, keyBits: try TPMIRSAKeyBits(bits))))
        }
        for curve in TPMImplementation.eccCurves {
            sets.append(.ecc(TPMSECCParms(symmetric: nil, scheme: nil, curveID: try TPMIECCCurve(curve), kdf: nil)))
        }
        for bits in TPMImplementation.aesKeyBits {
            for mode in TPMImplementation.symmetricModes {
                let sym = TPMTSymDefObject.aes(keyBits: try TPMIAESKeyBits(bits), mode: try TPMIAlgSymMode(mode))
                sets.append(.symCipher(TPMSSymCipherParms(sym: sym)))
            }
        }
        for hash in TPMIAlgHash.implemented {
            sets.append(.keyedHash(TPMSKeyedHashParms(scheme: .hmac(TPMSSchemeHash(hashAlg: hash)))))
        }
        for parameters in sets {
            #expect(tpm.send(.testParms, parameters: parameters.marshalled()).rc == .success, "\(parameters)")
        }
    }

    @Test func isListedWithoutAttributes() {
        let descriptor = CommandTable.standard[.testParms]
        #expect(descriptor?.attributes.rawValue == 0x0000_018A)
    }

    /// GetCapability and the wire validators read the same implemented set.
    @Test func capabilitiesMatchTheImplementedSet() {
        let advertised = Set(Capabilities.algorithms.map(\.alg))
        #expect(advertised == TPMImplementation.algorithms.union([.null]))
        #expect(Capabilities.eccCurves == TPMImplementation.eccCurves)
    }
}
