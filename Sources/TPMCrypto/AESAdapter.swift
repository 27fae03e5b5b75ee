// SPDX-License-Identifier: Apache-2.0

import Crypto
import CryptoExtras

/// The one place that touches swift-crypto's underscored AES modes (`AES._CTR`), so their API can change
/// in one file.
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
}
