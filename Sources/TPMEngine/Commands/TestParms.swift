// SPDX-License-Identifier: Apache-2.0

import TPMWire

/// TPM2_TestParms — Part 3, 30.3: asks whether this TPM supports a set of object parameters.
///
/// The answer is given while the parameter unmarshals: TPMT_PUBLIC_PARMS applies the TPMI check of every
/// member against ``TPMImplementation``, so the action itself has nothing left to do (as in ms-tpm and libtpms).
/// Codes come back tagged as parameter 1:
///
/// - TPM_RC_TYPE: an object type this TPM does not implement.
/// - TPM_RC_SYMMETRIC, TPM_RC_MODE: a block cipher or mode outside the implemented set (TPM_ALG_NULL included
///   for a symmetric cipher object).
/// - TPM_RC_SCHEME (ECC schemes), TPM_RC_VALUE (RSA and keyed-hash schemes, RSA and AES key sizes),
///   TPM_RC_KDF, TPM_RC_CURVE, TPM_RC_HASH: an unimplemented scheme, key size, KDF, curve or hash.
/// - TPM_RC_INSUFFICIENT: the parameters are cut short. Bytes left over give TPM_RC_SIZE without a number.
enum TestParms: TPMCommand {
    static let code = TPMCC.testParms

    struct Request: CommandRequest {
        var parameters: TPMTPublicParms
        init(parameters reader: inout ParameterReader) throws(TPMRC) { parameters = try reader.next() }
    }

    static func run(
        _ request: Request, _ command: CommandInfo,
        _ tpm: inout TPMEngine
    ) throws(TPMRC) -> NoParameters {
        NoParameters()
    }
}
