// SPDX-License-Identifier: Apache-2.0

/// TPMS_SIGNATURE_RSA — Part 2, 11.3.1: an RSASSA or RSAPSS signature (TPMS_SIGNATURE_RSASSA/_RSAPSS).
public struct TPMSSignatureRSA: TPMCodable, Hashable, Sendable {
    /// The hash of the signed digest (TPM_ALG_NULL is not allowed).
    public var hash: TPMIAlgHash
    /// The signature, as long as the modulus.
    public var sig: TPM2BPublicKeyRSA

    public init(hash: TPMIAlgHash, sig: TPM2BPublicKeyRSA) {
        self.hash = hash
        self.sig = sig
    }

    public func marshal(into writer: inout TPMWriter) {
        hash.marshal(into: &writer)
        sig.marshal(into: &writer)
    }

    public init(unmarshalling reader: inout TPMReader) throws(TPMRC) {
        hash = try TPMIAlgHash(unmarshalling: &reader)
        sig = try TPM2BPublicKeyRSA(unmarshalling: &reader)
    }
}

/// TPMS_SIGNATURE_ECC — Part 2, 11.3.2: an ECDSA signature (TPMS_SIGNATURE_ECDSA).
public struct TPMSSignatureECC: TPMCodable, Hashable, Sendable {
    /// The hash of the signed digest (TPM_ALG_NULL is not allowed).
    public var hash: TPMIAlgHash
    public var signatureR: TPM2BECCParameter
    public var signatureS: TPM2BECCParameter

    public init(hash: TPMIAlgHash, signatureR: TPM2BECCParameter, signatureS: TPM2BECCParameter) {
        self.hash = hash
        self.signatureR = signatureR
        self.signatureS = signatureS
    }

    public func marshal(into writer: inout TPMWriter) {
        hash.marshal(into: &writer)
        signatureR.marshal(into: &writer)
        signatureS.marshal(into: &writer)
    }

    public init(unmarshalling reader: inout TPMReader) throws(TPMRC) {
        hash = try TPMIAlgHash(unmarshalling: &reader)
        signatureR = try TPM2BECCParameter(unmarshalling: &reader)
        signatureS = try TPM2BECCParameter(unmarshalling: &reader)
    }
}
