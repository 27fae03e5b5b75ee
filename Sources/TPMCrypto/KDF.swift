// SPDX-License-Identifier: Apache-2.0

import TPMWire

/// The TPM's key derivation functions — Part 1, 11.4.10.
public enum KDF {
    /// KDFa — Part 1, 11.4.10.2: SP 800-108 counter-mode KDF with HMAC.
    ///
    /// Each block is HMAC(key, [i]₃₂ || label || 0x00 || contextU || contextV || [bits]₃₂). A label that
    /// already ends with a zero octet is used as it is. When `bits` is not a multiple of 8 the unused high
    /// bits of the first octet are cleared.
    public static func kdfa(
        _ hash: TPMIAlgHash, key: [UInt8], label: String, contextU: [UInt8], contextV: [UInt8],
        bits: Int
    ) -> [UInt8] {
        let byteCount = (bits + 7) / 8
        var fixed = Array(label.utf8)
        if fixed.last != 0 {
            fixed.append(0)
        }
        fixed += contextU + contextV
        fixed += bigEndian(UInt32(bits))
        var output: [UInt8] = []
        output.reserveCapacity(byteCount + hash.digestSize)
        let keyed = TPMHMACState(hash, key: key)
        var counter: UInt32 = 1
        while output.count < byteCount {
            var block = keyed
            block.update(bigEndian(counter))
            block.update(fixed)
            output += block.finalize()
            counter += 1
        }
        output = Array(output.prefix(byteCount))
        if bits % 8 != 0, !output.isEmpty {
            output[0] &= UInt8((1 << (bits % 8)) - 1)
        }
        return output
    }

    /// KDFe — Part 1, 11.4.10.3: the SP 800-56A concatenation KDF (one-step, with a hash).
    ///
    /// Each block is H([i]₃₂ || Z || label || 0x00 || partyUInfo || partyVInfo), i counting from 1; the
    /// output is truncated to `bits` (high bits of the first octet cleared, as for KDFa). Z is the x-coordinate
    /// of the shared point, and the label gets its terminating zero only if it lacks one.
    public static func kdfe(
        _ hash: TPMIAlgHash, z: [UInt8], label: String, partyU: [UInt8], partyV: [UInt8], bits: Int
    ) -> [UInt8] {
        let byteCount = (bits + 7) / 8
        var fixed = Array(label.utf8)
        if fixed.last != 0 {
            fixed.append(0)
        }
        fixed += partyU + partyV
        var output: [UInt8] = []
        output.reserveCapacity(byteCount + hash.digestSize)
        var counter: UInt32 = 1
        while output.count < byteCount {
            var block = TPMHashState(hash)
            block.update(bigEndian(counter))
            block.update(z)
            block.update(fixed)
            output += block.finalize()
            counter += 1
        }
        output = Array(output.prefix(byteCount))
        if bits % 8 != 0, !output.isEmpty {
            output[0] &= UInt8((1 << (bits % 8)) - 1)
        }
        return output
    }

    static func bigEndian(_ value: UInt32) -> [UInt8] {
        [
            UInt8(value >> 24), UInt8(truncatingIfNeeded: value >> 16), UInt8(truncatingIfNeeded: value >> 8),
            UInt8(truncatingIfNeeded: value),
        ]
    }
}
