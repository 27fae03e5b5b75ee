// SPDX-License-Identifier: Apache-2.0

import TPMCrypto
import TPMWire

/// The digests and HMACs of session-based authorization — Part 1, 18.7, 18.8 and 19.6.
enum SessionHMAC {
    /// cpHash = H(commandCode || Name₁ || … || Nameₙ || parameters), over the parameters as received.
    static func commandParameterHash(
        _ hash: TPMIAlgHash, code: TPMCC, names: [[UInt8]], parameters: ArraySlice<UInt8>
    ) -> [UInt8] {
        var state = TPMHashState(hash)
        state.update(code.marshalled())
        for name in names {
            state.update(name)
        }
        state.update(parameters)
        return state.finalize()
    }

    /// rpHash = H(responseCode || commandCode || parameters); only successful responses carry HMACs, so the
    /// response code is TPM_RC_SUCCESS.
    static func responseParameterHash(_ hash: TPMIAlgHash, code: TPMCC, parameters: ArraySlice<UInt8>) -> [UInt8] {
        var state = TPMHashState(hash)
        state.update(TPMRC.success.rawValue.marshalled())
        state.update(code.marshalled())
        state.update(parameters)
        return state.finalize()
    }

    /// HMAC(sessionKey || authValue, pHash || nonceNewer || nonceOlder || nonceDecrypt || nonceEncrypt || attributes).
    static func hmac(
        _ hash: TPMIAlgHash, sessionKey: [UInt8], authValue: [UInt8], parameterHash: [UInt8],
        nonceNewer: [UInt8], nonceOlder: [UInt8], extraNonces: [[UInt8]] = [],
        attributes: TPMASession
    ) -> [UInt8] {
        var state = TPMHMACState(hash, key: sessionKey + authValue)
        state.update(parameterHash)
        state.update(nonceNewer)
        state.update(nonceOlder)
        for nonce in extraNonces {
            state.update(nonce)
        }
        state.update([attributes.rawValue])
        return state.finalize()
    }

    /// Compares without revealing where two values differ.
    static func equal(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for (a, b) in zip(lhs, rhs) {
            difference |= a ^ b
        }
        return difference == 0
    }
}

extension Array where Element == UInt8 {
    /// Part 1, 19.6.5: trailing zero octets of an authValue are not significant.
    var withoutTrailingZeros: [UInt8] {
        // Most values end in a non-zero byte or are empty: hand back the same storage, no copy.
        guard last == 0 else { return self }
        var end = count
        while end > 0 && self[end - 1] == 0 { end -= 1 }
        return Array(self[..<end])
    }
}
