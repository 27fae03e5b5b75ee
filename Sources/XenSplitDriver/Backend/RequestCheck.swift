// SPDX-License-Identifier: Apache-2.0

/// tpmback's admission rule, from the 2006 interface manual: "only accept well-formed TPM requests … the length
/// indicator in the TPM request must correctly indicate the length of the request. Otherwise an error message is
/// automatically sent back by the device driver."
public enum RequestCheck {
    /// Tag, paramSize and ordinal: the shortest TPM command.
    public static let minimumSize = 10

    /// Why a request was refused (nil: it may go to the manager).
    public static func problem(_ request: [UInt8], limit: Int) -> String? {
        guard request.count >= minimumSize else {
            return "\(request.count) bytes, shorter than a TPM header"
        }
        let declared = request[2..<6].reduce(0) { $0 << 8 | Int($1) }
        guard declared == request.count else {
            return "the header says \(declared) bytes, the packet has \(request.count)"
        }
        guard request.count <= limit else { return "\(request.count) bytes, more than the limit of \(limit)" }
        return nil
    }

    /// TPM_RC_COMMAND_SIZE for a TPM 2.0 command (tag TPM_ST_NO_SESSIONS or TPM_ST_SESSIONS).
    public static let tpm2Refusal: [UInt8] = [0x80, 0x01, 0x00, 0x00, 0x00, 0x0A, 0x00, 0x00, 0x01, 0x42]

    /// The driver's own answer to a refused request. For TPM 2.0 tags, TPM_RC_COMMAND_SIZE. Otherwise the 2006
    /// driver's 10-byte TPM_FAIL (TPM 1.2 return code 9) whose tag is `00, low byte of the request tag + 3`
    /// (TPM_TAG_RQU_COMMAND 0x00C1 → TPM_TAG_RSP_COMMAND 0x00C4); a request too short to have a tag counts as
    /// tag 0, as the driver's zeroed packet did.
    public static func refusal(for request: [UInt8]) -> [UInt8] {
        if request.count >= 2, request[0] == 0x80, request[1] == 0x01 || request[1] == 0x02 { return tpm2Refusal }
        let tagLow = request.count >= 2 ? request[1] : 0
        return [0x00, tagLow &+ 3, 0x00, 0x00, 0x00, 0x0A, 0x00, 0x00, 0x00, 0x09]
    }
}
