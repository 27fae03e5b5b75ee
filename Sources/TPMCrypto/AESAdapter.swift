// SPDX-License-Identifier: Apache-2.0

import Crypto
import CryptoExtras

/// The one place that touches swift-crypto's underscored AES modes (`AES._CTR`, `AES._CFB`, `AES._CBC`) and its
/// raw block permutation, so their API can change in one file.
///
/// Every function here takes a key of 16, 24 or 32 bytes and (where it has one) a 16-byte IV or counter;
/// ``SymmetricCipher`` checks both before calling, so the only remaining failures are programming errors.
public enum AESAdapter {
    /// `count` bytes of AES-CTR keystream: AES(key, counter), AES(key, counter + 1), … with the whole
    /// 128-bit block as a big-endian counter (SP 800-38A, the counter SP 800-90A's CTR_DRBG increments).
    public static func keystream(key: [UInt8], counter: [UInt8], count: Int) -> [UInt8] {
        precondition(counter.count == 16 && [16, 24, 32].contains(key.count), "AES key or counter size")
        // A 16-byte nonce and a valid key size are the only ways encrypt can fail; both hold here.
        guard let nonce = try? AES._CTR.Nonce(nonceBytes: counter),
            let stream = try? AES._CTR.encrypt(
                [UInt8](repeating: 0, count: count), using: SymmetricKey(data: key),
                nonce: nonce)
        else { return [] }
        return Array(stream)
    }

    /// CFB128 (SP 800-38A 6.3 with s = 128); a partial final block is allowed.
    static func cfb(_ data: [UInt8], key: [UInt8], iv: [UInt8], encrypt: Bool) -> [UInt8] {
        precondition(iv.count == 16 && [16, 24, 32].contains(key.count), "AES key or IV size")
        let symmetricKey = SymmetricKey(data: key)
        guard let cfbIV = try? AES._CFB.IV(ivBytes: iv),
            let output =
                encrypt
                ? try? AES._CFB.encrypt(data, using: symmetricKey, iv: cfbIV)
                : try? AES._CFB.decrypt(data, using: symmetricKey, iv: cfbIV)
        else { return [] }
        return Array(output)
    }

    /// CBC without padding; `data.count` must be a multiple of 16.
    static func cbc(_ data: [UInt8], key: [UInt8], iv: [UInt8], encrypt: Bool) -> [UInt8] {
        precondition(iv.count == 16 && [16, 24, 32].contains(key.count) && data.count % 16 == 0, "AES CBC sizes")
        let symmetricKey = SymmetricKey(data: key)
        guard let cbcIV = try? AES._CBC.IV(ivBytes: iv),
            let output =
                encrypt
                ? try? AES._CBC.encrypt(data, using: symmetricKey, iv: cbcIV, noPadding: true)
                : try? AES._CBC.decrypt(data, using: symmetricKey, iv: cbcIV, noPadding: true)
        else { return [] }
        return Array(output)
    }

    /// The AES permutation on each 16-byte block on its own (ECB); `data.count` must be a multiple of 16.
    static func ecb(_ data: [UInt8], key: [UInt8], encrypt: Bool) -> [UInt8] {
        precondition([16, 24, 32].contains(key.count) && data.count % 16 == 0, "AES ECB sizes")
        let symmetricKey = SymmetricKey(data: key)
        var output = data
        for start in stride(from: 0, to: data.count, by: 16) {
            var block = data[start..<(start + 16)]
            if encrypt {
                try? AES.permute(&block, key: symmetricKey)
            } else {
                try? AES.inversePermute(&block, key: symmetricKey)
            }
            output.replaceSubrange(start..<(start + 16), with: block)
        }
        return output
    }
}
